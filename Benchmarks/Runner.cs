using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// The end-to-end benchmark command: baselines, the embedded default and Redis clusters of 1 and 2 silos, each
/// started as real processes and measured in the same run; prints the table and writes docs/benchmarks.md.
/// </summary>
public sealed class Runner(RunnerOptions options)
{
    private readonly List<Row> rows = [];
    private readonly List<RoundsRow> protocolRows = [];
    private readonly List<string> notes = [];
    private readonly Dictionary<string, double> bareFigures = [];
    private double baselinePublish;
    private double baselineDelivered;

    public static ProcessStartInfo SelfStartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Runner).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    public async Task Run()
    {
        var started = DateTime.UtcNow;
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        var config = Target.WriteConfig();
        var modelDirectory = Directory.CreateTempSubdirectory("switchboard-bench-model-").FullName;
        try
        {
            // The trained model is loaded with PUT /model, which reads only from the models directory.
            string[] gatewayArgs = ["--config", config, "-m", Path.Combine(Example, "domain.yml"), "--enable-api", "--auth-token", ConversationLoad.Token, "--models-dir", modelDirectory];
            if (options.ConversationMemory)
            {
                await new ConversationMemory(options, Add, notes.Add).Run(await Train(modelDirectory), gatewayArgs);
            }
            else if (!options.MemoryOnly)
            {
                var model = await Train(modelDirectory);
                Baseline? baseline;
                await using (var bare = await Target.Baseline())
                {
                    baseline = await Measure(bare, null);
                    await Conversations(bare, model);
                }

                await using (var embedded = await Target.Embedded(gatewayArgs))
                {
                    await Check(embedded);
                    await Measure(embedded, baseline);
                    await Protocols(embedded, FanOutContender.All, TimeSpan.Zero, "");
                    await Conversations(embedded, model);
                }

                if (options.Wants("protocols") && options.WriteDelay != "0")
                {
                    // The same comparison on a gateway configured for busy connections (its own process: same options for both codecs).
                    await using var delayed = await Target.Embedded([.. gatewayArgs, "--client_write_delay", options.WriteDelay]);
                    await Protocols(delayed, [FanOutContender.Json, FanOutContender.Protobuf], options.WriteDelaySpan, $", client_write_delay {options.WriteDelay}");
                }

                // The protocol comparison runs on the embedded gateway only: --only protocols needs no cluster.
                foreach (var silos in options.ConversationsOnly ? [1] : options.Only is not null && options.Wants("protocols") ? [] : options.SiloCounts)
                {
                    await using var redis = await Target.Redis(gatewayArgs, silos);
                    await Check(redis);
                    await Measure(redis, baseline);
                    if (silos == 1)
                    {
                        await Conversations(redis, model);
                    }
                }
            }

            if (!options.ConversationsOnly && !options.ConversationMemory)
            {
                await Memory(gatewayArgs);
            }
        }
        finally
        {
            File.Delete(config);
            Directory.Delete(modelDirectory, recursive: true);
        }

        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        var report = Render(started, loadBefore, loadAfter);
        Console.WriteLine(report);
        if (options.Only is null && !options.MemoryOnly && !options.ConversationMemory)
        {
            // A partial run would drop figures from the record.
            await File.WriteAllTextAsync(Path.Combine(Repo.Root, "docs", "benchmarks.md"), report);
        }
    }

    private async Task<Baseline> Measure(Target target, Baseline? baseline)
    {
        Log($"== {target.Name}");
        if (options.ConversationsOnly)
        {
            return new Baseline(0, 0, 0, (0, 0), (0, 0), null, 0, null);
        }

        var publish1000 = await Publish(target, "publish req/s, 1,000 channels", PublishBodies.Single(1000), baseline?.Publish1000, 1);
        var publishHot = await Publish(target, "publish req/s, one hot channel", PublishBodies.Single(1), baseline?.PublishHot, 1);
        var batched = await Publish(target, "batched publishes/s (100 per request)", PublishBodies.Batched(1000, 100), baseline?.Batched, 100);
        var (p50a, p99a) = await Latency(target, "latency: 1,000 channels x 1 subscriber, 1,000 publishes/s", 1000, "benchlat{i}", n => $"benchlat{n % 1000}", 1000, baseline?.Shape1);
        var (p50b, p99b) = await Latency(target, "latency: 1 channel x 1,000 subscribers, 20 publishes/s", 1000, "benchfan", _ => "benchfan", 20, baseline?.Shape2);
        var delivered = await Delivered(target, 1000, baseline?.Delivered1000);
        (double, double)? shape3 = null;
        double? delivered10k = null;
        if (options.Full)
        {
            shape3 = await Latency(target, "latency: 1 channel x 10,000 subscribers, 20 publishes/s", 10_000, "benchfan", _ => "benchfan", 20, baseline?.Shape3);
            delivered10k = await Delivered(target, 10_000, baseline?.Delivered10000);
        }

        return new Baseline(publish1000, publishHot, batched, (p50a, p99a), (p50b, p99b), shape3, delivered, delivered10k);
    }

    private static string Example => Path.Combine(Repo.Root, "examples", "restaurant");

    /// <summary>Runs the <c>train</c> verb on the example project once (wall time of the process); returns the model file.</summary>
    private async Task<string> Train(string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(Repo.ProjectOutput("ApiGateway"), "ApiGateway.dll"), "train", "--config", Path.Combine(Example, "config.yml"),
                     "--domain", Path.Combine(Example, "domain.yml"), "--data", Path.Combine(Example, "data"), "--out", output, "--force" })
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("training failed: " + await log + await errors);
        }

        Log((await log).Trim());
        Add("training time, examples/restaurant (s, whole `train` process)", "train command", clock.Elapsed.TotalSeconds, null, higherIsBetter: false, "F1");
        return Directory.GetFiles(output, "*.zip").Single();
    }

    /// <summary>
    /// The Rasa routes over 10,000 conversation ids: the domain-only model the target started with, then the
    /// trained model loaded through <c>PUT /model</c>.
    /// </summary>
    private async Task Conversations(Target target, string model)
    {
        try
        {
            await ConversationFigures(target, model);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            // One failing area should not lose the rest of a 10-minute run.
            notes.Add($"{target.Name}, conversation figures stopped: {e.Message}");
        }
    }

    private async Task ConversationFigures(Target target, string model)
    {
        var url = target.BaseUrls[0];
        var bare = target.Name == Target.BareName;
        if (!bare)
        {
            await WaitForWebhook(url, "/greet");
        }

        await Conversation(target, "conversation messages (POST /conversations/{id}/messages, domain-only model)", ConversationLoad.Messages);
        await Conversation(target, "tracker appends (POST /conversations/{id}/tracker/events)", ConversationLoad.TrackerEvents);
        await Conversation(target, "REST webhook turns (domain-only model)", ConversationLoad.WebhookIntent);
        if (!bare)
        {
            await LoadModel(url, model);
            await WaitForWebhook(url, "hello");
        }

        await Conversation(target, "REST webhook turns (trained model)", ConversationLoad.WebhookText);
        await Conversation(target, "/model/parse (trained model)", ConversationLoad.Parse);
        await Conversation(target, "/model/parse latency, 1 connection (trained model)", ConversationLoad.Parse, connections: 1);
    }

    private async Task Conversation(Target target, string figure, string script, int connections = 64)
    {
        if (!options.Wants(figure))
        {
            return;
        }

        var duration = TimeSpan.FromSeconds(Math.Min(options.Duration.TotalSeconds, 4));
        var threads = Math.Min(2, connections);
        var result = await Wrk.Measure(target.BaseUrls[0], script, duration, threads, connections);
        if (result.Errors > 0)
        {
            notes.Add($"{target.Name}, {figure}: {result.Errors} non-2xx answers during the run");
        }

        if (connections == 1)
        {
            AddConversation(figure + " — p50 ms", target.Name, result.P50, higherIsBetter: false, "F2");
            AddConversation(figure + " — p99 ms", target.Name, result.P99, higherIsBetter: false, "F2");
            return;
        }

        AddConversation(figure + " — req/s", target.Name, result.RequestsPerSecond, higherIsBetter: true, "F0");
        AddConversation(figure + " — p99 ms", target.Name, result.P99, higherIsBetter: false, "F1");
    }

    private void AddConversation(string figure, string target, double value, bool higherIsBetter, string format) =>
        Add(figure, target, value, target == Target.BareName ? null : bareFigures.GetValueOrDefault(figure), higherIsBetter, format);

    /// <summary>Waits until the loaded model answers a webhook turn with a bot message.</summary>
    private static async Task WaitForWebhook(Uri url, string message)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var body = System.Text.Json.JsonSerializer.Serialize(new { sender = "benchmark-probe", message });
        while (true)
        {
            using var response = await http.PostAsync(new Uri(url, "/webhooks/rest/webhook"), new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && text.Contains("\"text\"", StringComparison.Ordinal))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the webhook did not answer '{message}': {(int)response.StatusCode} {text}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task LoadModel(Uri url, string model)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var body = System.Text.Json.JsonSerializer.Serialize(new { model_file = model });
        using var response = await http.PutAsync(new Uri(url, $"/model?token={ConversationLoad.Token}"), new StringContent(body, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT /model refused {model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<double> Publish(Target target, string figure, IReadOnlyList<(byte[] Body, string Sign)> bodies, double? baseline, int perRequest)
    {
        if (!options.Wants(figure))
        {
            return 0;
        }

        var result = await Wrk.Measure(target.Api, Wrk.BodiesScript(bodies), options.Duration);
        var value = result.RequestsPerSecond * perRequest;
        if (result.Errors > 0)
        {
            notes.Add($"{target.Name}, {figure}: {result.Errors} non-2xx answers during the run");
        }

        Add(figure, target.Name, value, baseline, higherIsBetter: true, "F0");
        if (baseline is null && perRequest == 1)
        {
            baselinePublish = Math.Max(baselinePublish, value);
        }

        return value;
    }

    private async Task<(double P50, double P99)> Latency(Target target, string figure, int clients, string subscribe, Func<long, string> channel, int perSecond, (double P50, double P99)? baseline)
    {
        if (!options.Wants(figure))
        {
            return (0, 0);
        }

        await using var fleet = await ClientFleet.Open(target.WebSockets, clients, subscribe, options.ClientProcesses);
        using var publisher = new Publisher(target.Api);
        await publisher.Paced(channel, perSecond, TimeSpan.FromSeconds(6)); // warm-up: long enough for tiered JIT to settle
        await Task.Delay(500);
        await fleet.Reset();
        var sent = await publisher.Paced(channel, perSecond, options.Duration);
        await Task.Delay(TimeSpan.FromSeconds(2)); // stragglers
        var (received, _, latency) = await fleet.Report();
        var expected = sent * clients / (subscribe.Contains("{i}", StringComparison.Ordinal) ? clients : 1);
        if (received < expected || fleet.Failed > 0)
        {
            notes.Add($"{target.Name}, {figure}: {received} of {expected} deliveries arrived, {fleet.Failed} clients failed to connect");
        }

        var (p50, p99) = (latency.Percentile(0.50), latency.Percentile(0.99));
        Add(figure + " — p50 ms", target.Name, p50, baseline?.P50, higherIsBetter: false, "F1");
        Add(figure + " — p99 ms", target.Name, p99, baseline?.P99, higherIsBetter: false, "F1");
        return (p50, p99);
    }

    private async Task<double> Delivered(Target target, int clients, double? baseline)
    {
        var figure = $"delivered msgs/s: 1 channel x {clients:N0} subscribers, full speed";
        if (!options.Wants(figure))
        {
            return 0;
        }

        var rate = (await FanOut(target, clients, "json", "websocket")).Messages;
        Add(figure, target.Name, rate, baseline, higherIsBetter: true, "F0");
        if (baseline is null)
        {
            baselineDelivered = Math.Max(baselineDelivered, rate);
        }

        return rate;
    }

    /// <summary>
    /// Fan-out in each client protocol and transport, 1,000 and 10,000 subscribers of one channel, against JSON over
    /// WebSocket on the same target in alternating rounds (J P S, then S P J, ...; an even number, so that drift
    /// within a round favours no protocol): each round gives a ratio to the
    /// JSON figure measured next to it, and the rows report the median and the spread of those ratios, so a drift or
    /// a burst of the shared machine's load shows as spread instead of deciding the comparison. Every measurement
    /// opens fresh connections: a backlog left in the server's queues must not be delivered during the next one.
    /// <paramref name="configured"/> names the gateway's non-default options in the figures; <paramref name="writeDelay"/>
    /// is its <c>client_write_delay</c>, which the publisher's delivery window makes room for.
    /// </summary>
    private async Task Protocols(Target target, IReadOnlyList<FanOutContender> contenders, TimeSpan writeDelay, string configured)
    {
        if (!options.Wants("protocols"))
        {
            return;
        }

        foreach (var clients in options.ProtocolSubscribers)
        {
            var samples = contenders.ToDictionary(c => c, _ => new List<FanOutSample>());
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var contender in round % 2 == 0 ? contenders : contenders.Reverse())
                {
                    // The first round warms the gateway up for each protocol; later ones only fill the pipes (1 s).
                    samples[contender].Add(await FanOut(target, clients, contender.Protocol, contender.Transport, writeDelay, fullWarmUp: round == 0));
                }
            }

            var json = samples[FanOutContender.Json];
            var shape = $"1 channel x {clients:N0} subscribers, full speed{configured}";
            foreach (var contender in contenders)
            {
                var mine = samples[contender];
                if (contender != FanOutContender.Json)
                {
                    AddProtocol($"delivered msgs/s, {shape}", contender.Name, mine, json, s => s.Messages, higherIsBetter: true, "F0");
                }

                if (contender == FanOutContender.Protobuf)
                {
                    AddProtocol($"delivered bytes/s, {shape}", contender.Name, mine, json, s => s.Bytes, higherIsBetter: true, "F0");
                    AddProtocol($"bytes per delivered message, {shape}", contender.Name, mine, json, s => s.BytesPerMessage, higherIsBetter: false, "F1");
                }

                if (contender != FanOutContender.Json)
                {
                    AddProtocol($"messages per transport read, {shape}", contender.Name, mine, json, s => s.PerRead, higherIsBetter: true, "F1");
                    AddProtocol($"gateway CPU µs per delivered message, {shape}", contender.Name, mine, json, s => s.GatewayCpu, higherIsBetter: false, "F2");
                    AddProtocol($"client processes' CPU µs per delivered message, {shape}", contender.Name, mine, json, s => s.ClientCpu, higherIsBetter: false, "F2");
                    AddProtocol($"publisher CPU µs per delivered message, {shape}", contender.Name, mine, json, s => s.PublisherCpu, higherIsBetter: false, "F2");
                }
            }
        }
    }

    /// <summary>Concurrent publishing connections of a fan-out measurement.</summary>
    private const int Publishers = 4;

    /// <summary>
    /// Publishes to one channel at full speed while <paramref name="clients"/> fresh subscribers receive: what they
    /// received per second and what it cost each process per message, and how much of the time the delivery window
    /// held the publishers (near 0 when the gateway, not the window, sets the pace).
    /// </summary>
    private async Task<FanOutSample> FanOut(Target target, int clients, string protocol, string transport, TimeSpan writeDelay = default, bool fullWarmUp = true)
    {
        await using var fleet = await ClientFleet.Open(target.WebSockets, clients, "benchfan", options.ClientProcesses, protocol, transport);
        if (fleet.Failed > 0)
        {
            notes.Add($"{target.Name}, fan-out to {clients:N0} {protocol}/{transport} subscribers: {fleet.Failed} clients failed to connect");
        }

        using var publisher = new Publisher(target.Api);
        await using var window = await DeliveryWindow.Open(fleet, writeDelay);
        async Task<double> Round(TimeSpan length) => await publisher.FullSpeed("benchfan", Publishers, length, window) / length.TotalSeconds;
        if (fullWarmUp)
        {
            await SteadyState.WarmUp(() => Round(SteadyState.Round));
        }
        else
        {
            await Round(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(1000);
        await fleet.Reset();
        var gateway = target.GatewayPids();
        var cpuBefore = (Gateway: ProcessCpu.Of(gateway), Clients: ProcessCpu.Of(fleet.Pids), Publisher: ProcessCpu.Of(Environment.ProcessId));
        window.TakeHeld();
        var clock = Stopwatch.StartNew();
        var published = await publisher.FullSpeed("benchfan", Publishers, options.Duration, window);
        var (received, bytes, _) = await fleet.Report();
        var seconds = clock.Elapsed.TotalSeconds;
        var held = window.TakeHeld().TotalSeconds / (Publishers * seconds);
        double PerMessage(TimeSpan after, TimeSpan before) => (after - before).TotalMicroseconds / Math.Max(1, received);
        var sample = new FanOutSample(received / seconds, bytes / seconds, published * (double)clients / seconds, received / (double)Math.Max(1, fleet.Reads),
            PerMessage(ProcessCpu.Of(gateway), cpuBefore.Gateway), PerMessage(ProcessCpu.Of(fleet.Pids), cpuBefore.Clients),
            PerMessage(ProcessCpu.Of(Environment.ProcessId), cpuBefore.Publisher), fleet.Closed);
        if (fleet.Closed > 0)
        {
            notes.Add($"{target.Name}, fan-out to {clients:N0} {protocol}/{transport} subscribers: the server closed {fleet.Closed:N0} of them (close codes and counts: {fleet.CloseCodes}; 3008 send queue full, 3012 no pong in time), so fewer received");
        }

        Log(FormattableString.Invariant($"{target.Name}: {protocol}/{transport} x {clients:N0}: {sample.Messages:F0} msgs/s ({sample.Offered:F0} published), {sample.Bytes:F0} bytes/s, {sample.PerRead:F1} messages per read; CPU µs per message: gateway {sample.GatewayCpu:F2}, clients {sample.ClientCpu:F2}, publisher {sample.PublisherCpu:F2}; publishers held by the delivery window {held:P0} of the time"));
        return sample;
    }

    /// <summary>A figure of a protocol's rounds against JSON's: the medians of both, and the median and range of the per-round ratios.</summary>
    private void AddProtocol(string figure, string system, List<FanOutSample> mine, List<FanOutSample> json, Func<FanOutSample, double> value, bool higherIsBetter, string format)
    {
        var row = RoundsRow.Of(figure, system, [.. mine.Select(value)], [.. json.Select(value)], higherIsBetter, format);
        protocolRows.Add(row);
        Log(row.Render());
    }

    /// <summary>
    /// RSS per idle WebSocket connection (connected with a named user's token, subscribed to nothing) on fresh
    /// processes for every system and count: a process that served load first has heap to give back, and its delta
    /// came out negative. The embedded figure includes the connections' user grains and their records; in Redis mode
    /// the grains run on the silo, whose delta is noted. With <see cref="RunnerOptions.WarmUpConnections"/> each
    /// system is measured again on new fresh processes that first served that many connections (opened, then closed)
    /// before the baseline was read: the cold figure counts what a process grows on its first connections whatever
    /// their number (code compiled and paged in, the GC's budgets), the warm one mostly what the connections hold.
    /// </summary>
    private async Task Memory(IReadOnlyList<string> gatewayArgs)
    {
        const string figure = "memory per idle WebSocket connection";
        if (!options.Wants(figure))
        {
            return;
        }

        foreach (var count in options.IdleConnections)
        {
            await MemoryRows($"{figure}, {count:N0} connections (KB, RSS delta)", gatewayArgs, count, warmUp: 0);
            if (options.WarmUpConnections > 0)
            {
                await MemoryRows($"{figure}, {count:N0} connections after a {options.WarmUpConnections}-connection warm-up (KB, RSS delta)", gatewayArgs, count, options.WarmUpConnections);
            }

            if (options.Slope)
            {
                await SlopeRows($"{figure}, {count:N0} more on a fresh process holding {count:N0} (KB, RSS delta)", gatewayArgs, count);
            }
        }
    }

    /// <summary>
    /// One memory figure for bare Kestrel, the embedded gateway and a Redis-mode gateway with its silo, each on fresh
    /// processes, read twice: 5 s after the last client connected, and again once every connection has had its first
    /// ping and pong (<see cref="PingedAfter"/>; bare Kestrel sends none).
    /// </summary>
    private async Task MemoryRows(string name, IReadOnlyList<string> gatewayArgs, int count, int warmUp)
    {
        var pingedName = name.Replace(" (KB, RSS delta)", $", {PingedAfter.TotalSeconds:F0} s after (pinged once) (KB, RSS delta)", StringComparison.Ordinal);
        IdleGrowth bare;
        await using (var baseline = await Target.Baseline())
        {
            bare = await IdleBytesPerConnection(baseline, count, warmUp);
        }

        Add(name, Target.BareName, bare.Settled / 1024, null, higherIsBetter: false, "F1");
        Add(pingedName, Target.BareName, bare.Pinged / 1024, null, higherIsBetter: false, "F1");
        await using (var embedded = await Target.Embedded(gatewayArgs))
        {
            var growth = await IdleBytesPerConnection(embedded, count, warmUp);
            Add(name, embedded.Name, growth.Settled / 1024, bare.Settled / 1024, higherIsBetter: false, "F1");
            Add(pingedName, embedded.Name, growth.Pinged / 1024, bare.Pinged / 1024, higherIsBetter: false, "F1");
        }

        await using var redis = await Target.Redis(gatewayArgs, 1);
        var gateway = await IdleBytesPerConnection(redis, count, warmUp);
        Add(name, $"{redis.Name}, gateway", gateway.Settled / 1024, bare.Settled / 1024, higherIsBetter: false, "F1");
        Add(pingedName, $"{redis.Name}, gateway", gateway.Pinged / 1024, bare.Pinged / 1024, higherIsBetter: false, "F1");
        // The user grains run there: connection records in Redis, no activation.
        Add(name, $"{redis.Name}, its silo", gateway.SiloSettled / 1024, null, higherIsBetter: false, "F1");
        Add(pingedName, $"{redis.Name}, its silo", gateway.SiloPinged / 1024, null, higherIsBetter: false, "F1");
    }

    /// <summary>The slope figure for bare Kestrel, the embedded gateway and a Redis-mode gateway with its silo, each on a fresh process.</summary>
    private async Task SlopeRows(string name, IReadOnlyList<string> gatewayArgs, int count)
    {
        double bare;
        await using (var baseline = await Target.Baseline())
        {
            bare = (await IdleSlope(baseline, count)).Gateway;
        }

        Add(name, Target.BareName, bare / 1024, null, higherIsBetter: false, "F1");
        await using (var embedded = await Target.Embedded(gatewayArgs))
        {
            Add(name, embedded.Name, (await IdleSlope(embedded, count)).Gateway / 1024, bare / 1024, higherIsBetter: false, "F1");
        }

        await using var redis = await Target.Redis(gatewayArgs, 1);
        var (gateway, silo) = await IdleSlope(redis, count);
        Add(name, $"{redis.Name}, gateway", gateway / 1024, bare / 1024, higherIsBetter: false, "F1");
        Add(name, $"{redis.Name}, its silo", silo / 1024, null, higherIsBetter: false, "F1");
    }

    /// <summary>
    /// RSS growth per connection of the second <paramref name="count"/> idle connections on a process that already
    /// holds <paramref name="count"/> (both read 5 s after connecting): the first-use growth is behind it.
    /// </summary>
    private async Task<(double Gateway, double Silo)> IdleSlope(Target target, int count)
    {
        long Rss() => target.GatewayPids().Sum(ProcessMemory.Rss);
        var processCount = Math.Max(2, options.ClientProcesses);
        await Task.Delay(2000);
        await using var first = await ClientFleet.Open(target.WebSockets, count, null, processCount);
        await Task.Delay(5000);
        var (before, silosBefore) = (Rss(), target.SiloRss());
        var partsBefore = MemoryParts.Read(target.GatewayPids()[0]);
        await using var second = await ClientFleet.Open(target.WebSockets, count, null, processCount, firstUser: count);
        await Task.Delay(5000);
        var (after, silosAfter) = (Rss(), target.SiloRss());
        var connected = Math.Max(1, count - second.Failed);
        Log($"{target.Name}: RSS {before / 1048576} MB with {count - first.Failed} connections -> {after / 1048576} MB with {connected} more; growth by part: {MemoryParts.Read(target.GatewayPids()[0]).Delta(partsBefore)}");
        return ((after - before) / (double)connected, (silosAfter - silosBefore) / (double)connected);
    }

    /// <summary>When the second memory read is taken after the last client connected: the default ping interval (25 s) and a margin for the first clients' pongs.</summary>
    private static readonly TimeSpan PingedAfter = TimeSpan.FromSeconds(35);

    /// <summary>
    /// The gateway processes' RSS growth per connection while <paramref name="count"/> clients connect and stay idle,
    /// 5 s after they connected and again at <see cref="PingedAfter"/>, after <paramref name="warmUp"/> connections
    /// were opened and closed (users of their own); the growth's parts (<see cref="MemoryParts"/>) and the live heap
    /// after a full GC are logged. The silos' growth (Redis mode) is read at the same times.
    /// </summary>
    private async Task<IdleGrowth> IdleBytesPerConnection(Target target, int count, int warmUp)
    {
        long Rss() => target.GatewayPids().Sum(ProcessMemory.Rss);
        var processCount = Math.Max(2, options.ClientProcesses);
        if (warmUp > 0)
        {
            await using var warming = await ClientFleet.Open(target.WebSockets, warmUp, null, processCount, firstUser: WarmUpUsers);
        }

        await Task.Delay(2000);
        var pid = target.GatewayPids()[0];
        var partsBefore = MemoryParts.Read(pid);
        var before = Rss();
        var silosBefore = target.SiloRss();
        await using var fleet = await ClientFleet.Open(target.WebSockets, count, null, processCount);
        var connected = count - fleet.Failed;
        await Task.Delay(5000); // let allocations settle
        var settled = Rss();
        var silosSettled = target.SiloRss();
        Log($"{target.Name}: RSS {before / 1048576} MB -> {settled / 1048576} MB with {connected} connections{(warmUp > 0 ? $" (after {warmUp} opened and closed)" : "")}; growth by part: {MemoryParts.Read(pid).Delta(partsBefore)}");
        await Task.Delay(PingedAfter - TimeSpan.FromSeconds(5));
        var pinged = Rss();
        var silosPinged = target.SiloRss();
        Log($"{target.Name}: RSS {pinged / 1048576} MB {PingedAfter.TotalSeconds:F0} s after connecting; growth by part: {MemoryParts.Read(pid).Delta(partsBefore)}");
        Log(FormattableString.Invariant($"{target.Name}: live managed heap after a full GC: {await ManagedHeap.AfterFullGc(pid) / 1048576.0:F1} MB"));
        double PerConnection(long grown) => grown / (double)Math.Max(1, connected);
        return new IdleGrowth(PerConnection(settled - before), PerConnection(pinged - before), PerConnection(silosSettled - silosBefore), PerConnection(silosPinged - silosBefore));
    }

    /// <summary>Bytes of RSS growth per idle connection, 5 s after connecting and once pinged; the silos' in Redis mode (0 otherwise).</summary>
    private sealed record IdleGrowth(double Settled, double Pinged, double SiloSettled, double SiloPinged);

    /// <summary>The first warm-up user's index: far from the measured users' (<c>u0</c>, <c>u1</c>, ...).</summary>
    private const int WarmUpUsers = 1_000_000;

    /// <summary>Fails fast when the target refuses the benchmark's publish (wrong secret, wrong config).</summary>
    private static async Task Check(Target target)
    {
        using var http = new HttpClient();
        var (body, sign) = PublishBodies.Single(1)[0];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Api) { Content = content };
        request.Headers.Add(ApiSignature.Header, sign);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !text.Contains("\"error\":null", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{target.Name} refused the benchmark publish: {(int)response.StatusCode} {text}");
        }
    }

    private void Add(string figure, string target, double value, double? baseline, bool higherIsBetter, string format) =>
        Add(new Row(figure, target, value, baseline, higherIsBetter, format));

    private void Add(Row row)
    {
        rows.Add(row);
        if (row.Target == Target.BareName)
        {
            bareFigures[row.Figure] = row.Value;
        }

        Log(row.Render());
    }

    private static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private string Render(DateTime started, string loadBefore, string loadAfter)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks").AppendLine();
        text.AppendLine(FormattableString.Invariant($"Run {started:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Environment.OSVersion}), .NET {Environment.Version}, {options.Duration.TotalSeconds:F0} s per figure. Load average before/after: `{loadBefore}` / `{loadAfter}`."));
        text.AppendLine().AppendLine("Command: `scripts/benchmark.sh` (see README). Every system runs as its own process(es) on loopback; " +
            "each figure is compared with a bare-Kestrel baseline measured in the same run with the same load generator, bodies and clients.").AppendLine();
        text.AppendLine("| figure | system | measured | bare Kestrel | ratio |").AppendLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var row in rows.Where(r => r.Target != Target.BareName))
        {
            text.AppendLine(row.Markdown());
        }

        if (protocolRows.Count > 0)
        {
            text.AppendLine().AppendLine("## Client protocols and transports").AppendLine();
            text.AppendLine(FormattableString.Invariant($"Fan-out on the embedded gateway in each protocol and transport against JSON over WebSocket, in {options.Rounds} alternating rounds ") +
                "(JSON, Protobuf, HTTP-streaming, then the reverse order, ...; fresh connections for every measurement), with the same publisher and the same client processes " +
                "(which do the same work per frame: find the payload's send time, answer pings, count bytes). Each round gives a ratio to the JSON figure measured next to it; " +
                "the table shows the medians and every round's ratio. CPU time per delivered message is read from /proc for the gateway, the client processes and the publisher.").AppendLine();
            text.AppendLine("| figure | protocol, transport | median | JSON, WebSocket (median) | ratio (median of rounds) | ratio in each round |").AppendLine("| --- | --- | ---: | ---: | ---: | --- |");
            foreach (var row in protocolRows)
            {
                text.AppendLine(row.Markdown());
            }
        }

        text.AppendLine().AppendLine("## Baselines").AppendLine();
        foreach (var row in rows.Where(r => r.Target == Target.BareName))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Figure}: {row.Value.ToString(row.Format, CultureInfo.InvariantCulture)}");
        }

        text.AppendLine().AppendLine("## Is the load generator the bottleneck?").AppendLine();
        var fastest = rows.Where(r => r.Target != Target.BareName && r.Figure.StartsWith("publish req/s", StringComparison.Ordinal)).Select(r => r.Value).DefaultIfEmpty().Max();
        text.AppendLine(FormattableString.Invariant($"- HTTP: wrk (2 threads, 64 connections, the same pre-signed bodies) drove the bare endpoint to {baselinePublish:F0} requests/s; the fastest gateway figure was {fastest:F0} requests/s ({100 * fastest / Math.Max(1, baselinePublish):F0}% of that), so wrk had headroom for every gateway figure ") +
            "(it runs on the same 2 cores, so the baseline itself shares the CPU with wrk, as the gateway does).");
        var delivered = rows.Where(r => r.Figure.StartsWith("delivered", StringComparison.Ordinal)).Select(r => r.Value).DefaultIfEmpty().Max();
        text.AppendLine(FormattableString.Invariant($"- WebSocket: the same client processes (2, with the same parsing) received up to {delivered:F0} messages/s in this run (bare broadcast: {baselineDelivered:F0}/s). ") +
            (delivered > baselineDelivered * 1.05
                ? "A gateway beat the naive bare broadcast (one awaited send per socket), so that baseline is no ceiling; the clients kept up with the fastest sender measured."
                : "No gateway received more than the clients took from the bare broadcast, so the clients were not what limited the gateway figures."));
        var bareWebhook = bareFigures.GetValueOrDefault("REST webhook turns (trained model) — req/s");
        var webhook = rows.Where(r => r.Target != Target.BareName && r.Figure.StartsWith("REST webhook", StringComparison.Ordinal) && r.Figure.EndsWith("req/s", StringComparison.Ordinal)).Select(r => r.Value).DefaultIfEmpty().Max();
        text.AppendLine(FormattableString.Invariant($"- Rasa routes: the same wrk scripts (random ids out of {ConversationLoad.Conversations:N0}) drove the bare endpoint to {bareWebhook:F0} webhook requests/s; the fastest gateway webhook figure was {webhook:F0}/s, so wrk was not what limited the gateway."));
        var load = double.Parse(loadBefore.Split(' ')[0], CultureInfo.InvariantCulture);
        if (load > Environment.ProcessorCount)
        {
            text.AppendLine().AppendLine(FormattableString.Invariant($"**The machine was loaded during this run** (load average {load:F0} on {Environment.ProcessorCount} cores before it started: other test runs shared the CPU). ") +
                "Baseline and gateway shared the same conditions within the run, but absolute figures, latencies and ratios are far from what an idle machine gives; rerun on an idle machine before drawing conclusions.");
        }

        if (notes.Count > 0)
        {
            text.AppendLine().AppendLine("## Notes from the run").AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine("- " + note);
            }
        }

        return text.ToString();
    }

    private sealed record Baseline(double Publish1000, double PublishHot, double Batched, (double P50, double P99) Shape1, (double P50, double P99) Shape2, (double P50, double P99)? Shape3, double Delivered1000, double? Delivered10000);
}
