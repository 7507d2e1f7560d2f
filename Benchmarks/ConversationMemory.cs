using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Switchboard.Bot.Evaluation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// Memory of the conversation engine (issue 13), each figure on fresh embedded gateways with the product's own GC
/// settings: managed bytes per tracker activation holding 100 events, resident memory after 100,000 conversations
/// touched once and after their idle age has passed, the 1,000-sender webhook load with the trained model (resident
/// memory, p50/p99 at 32 and 1 connections, the GC's collections and pauses per turn), and peak resident memory of
/// training.
/// </summary>
public sealed class ConversationMemory(RunnerOptions options, Action<Row> add, Action<string> note)
{
    /// <summary>Conversations of 100 events each for the per-activation figure.</summary>
    private const int ActiveConversations = 2_000;

    private const int Turns = 20;

    private const int TouchedOnce = 100_000;

    private const int Senders = 1_000;

    /// <summary>The shortest idle age the gateway accepts; the figure waits it out.</summary>
    private const int IdleSeconds = 61;

    /// <summary>One turn as Rasa logs it: the user's message with its parse, a slot, the bot's action and message, listening again.</summary>
    private static string Turn(int conversation, int turn) => $$$"""
        [{"event":"user","text":"I am looking for an italian restaurant for {{{turn}}} people","parse_data":{"text":"I am looking for an italian restaurant for {{{turn}}} people","intent":{"name":"request_restaurant","confidence":0.9312},"entities":[{"entity":"cuisine","value":"italian","start":20,"end":27,"extractor":"DIETClassifier","confidence_entity":0.998},{"entity":"people","value":"{{{turn}}}","start":43,"end":44,"extractor":"DIETClassifier","confidence_entity":0.991}],"intent_ranking":[{"name":"request_restaurant","confidence":0.9312},{"name":"inform","confidence":0.0403},{"name":"greet","confidence":0.0121},{"name":"affirm","confidence":0.0087},{"name":"thankyou","confidence":0.0046}]},"input_channel":"rest","message_id":"m{{{conversation}}}-{{{turn}}}","metadata":{}},
         {"event":"slot","name":"cuisine","value":"italian"},
         {"event":"action","name":"utter_ask_outdoor_seating","policy":"TEDPolicy","confidence":0.9731},
         {"event":"bot","text":"Do you want to sit outside?","data":{"elements":null,"quick_replies":null,"buttons":null,"attachment":null,"image":null,"custom":null},"metadata":{"utter_action":"utter_ask_outdoor_seating"}},
         {"event":"action","name":"action_listen","policy":"TEDPolicy","confidence":0.9942}]
        """;

    public async Task Run(string model, IReadOnlyList<string> gatewayArgs)
    {
        await Training();
        await Trackers(gatewayArgs);
        await Webhook(model, gatewayArgs);
    }

    /// <summary>
    /// Fresh systems side by side, so one idle wait serves them all: 2,000 conversations of 100 events into an
    /// embedded gateway (its heap holds the activations and the memory tracker store) and into a Redis cluster of
    /// one silo (the silo's heap holds only the activations: the difference with the heap after the idle age is what
    /// an activation costs), and 100,000 conversations of one webhook turn each into another embedded gateway (only
    /// that one with <c>--only "touched once"</c>).
    /// </summary>
    private async Task Trackers(IReadOnlyList<string> gatewayArgs)
    {
        if (!options.Wants("tracker") && !options.Wants("touched once"))
        {
            return;
        }

        var seconds = IdleSeconds.ToString(CultureInfo.InvariantCulture);
        string[] idle = ["--tracker-idle-seconds", seconds, "--channel-idle-seconds", seconds];
        var active = options.Wants("tracker");
        await using var embedded = active ? await Target.Embedded([.. gatewayArgs, .. idle], ProductGc) : null;
        await using var redis = active ? await Target.Redis(gatewayArgs, 1, idle) : null;
        await using var once = await Target.Embedded([.. gatewayArgs, .. idle], ProductGc);
        var systems = embedded is null || redis is null ? [] : new[] { new Loaded(embedded, embedded.GatewayPids()[0]), new Loaded(redis, redis.Cluster!.Silos[0].Process.Pid) };
        foreach (var system in systems)
        {
            await system.LoadActive();
        }

        var oncePid = once.GatewayPids()[0];
        var onceUrl = once.BaseUrls[0];
        await Drive(onceUrl, 2_000, 16, i => Post(onceUrl, "/webhooks/rest/webhook", $$"""{"sender":"warm{{i}}","message":"/greet"}"""));
        var (onceHeap0, onceRss0) = (await ManagedHeap.AfterFullGc(oncePid), ProcessMemory.Rss(oncePid));
        var clock = Stopwatch.StartNew();
        await Drive(onceUrl, TouchedOnce, 32, i => Post(onceUrl, "/webhooks/rest/webhook", $$"""{"sender":"once{{i}}","message":"/greet"}"""));
        var (onceHeap1, onceRss1) = (await ManagedHeap.AfterFullGc(oncePid), ProcessMemory.Rss(oncePid));
        Log($"{TouchedOnce:N0} conversations touched once in {clock.Elapsed.TotalSeconds:F0} s: heap {Mb(onceHeap0):F0} -> {Mb(onceHeap1):F0} MB, RSS {Mb(onceRss0):F0} -> {Mb(onceRss1):F0} MB");

        var lastTouched = DateTime.UtcNow;
        foreach (var system in systems)
        {
            await system.Settle(lastTouched);
        }

        var onceHeap2 = await SettledHeap(oncePid, lastTouched);

        // The idle trim (IdleHeapTrim) runs once the process has been quiet for the idle ages plus two collection
        // rounds; its checks are 30 s apart.
        var trimmed = lastTouched.AddSeconds(IdleSeconds + 120 + 90) - DateTime.UtcNow;
        await Task.Delay(trimmed > TimeSpan.Zero ? trimmed : TimeSpan.Zero);
        var onceRss2 = ProcessMemory.Rss(oncePid);
        Add($"RSS MB, {TouchedOnce:N0} conversations touched once (one webhook turn each), right after (fresh gateway: {Mb(onceRss0):F0} MB)", Mb(onceRss1), "F0");
        Add($"RSS MB, {TouchedOnce:N0} conversations touched once, after the idle age", Mb(onceRss2), "F0");
        Add($"managed heap MB, {TouchedOnce:N0} conversations touched once, right after (fresh gateway: {Mb(onceHeap0):F0} MB)", Mb(onceHeap1), "F0");
        Add($"managed heap MB, {TouchedOnce:N0} conversations touched once, after the idle age", Mb(onceHeap2), "F0");
        if (systems.Length == 0)
        {
            return;
        }

        const string shape = "2,000 conversations x 100 events";
        var (e, r) = (systems[0], systems[1]);
        Add($"managed KB per tracker activation holding 100 events (Redis mode, the silo: {shape}, heap with the trackers active minus after the idle age)", (r.Heap[1] - r.Heap[2]) / 1024.0 / ActiveConversations, "F1");
        Add($"managed KB per conversation, trackers active (Redis mode, the silo: {shape})", (r.Heap[1] - r.Heap[0]) / 1024.0 / ActiveConversations, "F1");
        Add($"managed KB per conversation, after the idle age (Redis mode, the silo: {shape})", (r.Heap[2] - r.Heap[0]) / 1024.0 / ActiveConversations, "F1");
        Add($"managed KB per conversation, trackers active (embedded: {shape}, the memory tracker store included)", (e.Heap[1] - e.Heap[0]) / 1024.0 / ActiveConversations, "F1");
        Add($"managed KB per conversation, after the idle age (embedded: {shape}, the memory tracker store)", (e.Heap[2] - e.Heap[0]) / 1024.0 / ActiveConversations, "F1");
        Add($"RSS KB per conversation, trackers active (embedded: {shape})", (e.Rss[1] - e.Rss[0]) / 1024.0 / ActiveConversations, "F1");
        Add($"RSS KB per conversation, after the idle age (embedded: {shape})", (e.Rss[2] - e.Rss[0]) / 1024.0 / ActiveConversations, "F1");
    }

    /// <summary>A system taking the 2,000 x 100-event load, and the process whose heap holds its trackers.</summary>
    private sealed class Loaded(Target target, int pid)
    {
        private long events;

        /// <summary>Heap and RSS: fresh (after a warm-up), with the trackers active, after the idle age.</summary>
        public long[] Heap { get; } = new long[3];

        public long[] Rss { get; } = new long[3];

        private Uri Url => target.BaseUrls[0];

        public async Task LoadActive()
        {
            await Drive(Url, 200, 16, i => Post(Url, $"/conversations/warm{i}/tracker/events?token={ConversationLoad.Token}", Turn(i, 0)));
            (Heap[0], Rss[0]) = (await ManagedHeap.AfterFullGc(pid), ProcessMemory.Rss(pid));
            var clock = Stopwatch.StartNew();
            for (var turn = 0; turn < Turns; turn++)
            {
                var t = turn;
                await Drive(Url, ActiveConversations, 16, i => Post(Url, $"/conversations/mem{i}/tracker/events?token={ConversationLoad.Token}", Turn(i, t)));
            }

            events = await EventCount(Url, "mem0");
            (Heap[1], Rss[1]) = (await ManagedHeap.AfterFullGc(pid), ProcessMemory.Rss(pid));
            Log($"{target.Name}: {ActiveConversations:N0} conversations x {events} events in {clock.Elapsed.TotalSeconds:F0} s: heap {Mb(Heap[0]):F0} -> {Mb(Heap[1]):F0} MB, RSS {Mb(Rss[0]):F0} -> {Mb(Rss[1]):F0} MB");
        }

        public async Task Settle(DateTime lastTouched)
        {
            Heap[2] = await SettledHeap(pid, lastTouched);
            Rss[2] = ProcessMemory.Rss(pid);

            // Touching a conversation again reloads it from the store: nothing lost while its tracker was away.
            if (await EventCount(Url, "mem0") is var reloaded && reloaded != events)
            {
                throw new InvalidOperationException($"{target.Name}: a conversation reloaded after its idle age had {reloaded} events, not {events}");
            }
        }
    }

    /// <summary>
    /// The heap once the idle trackers are gone. Orleans collects an idle activation at the first collection round
    /// (once a minute) after its age has passed, so this waits the age plus two rounds, then forces GCs 20 s apart
    /// until the heap stops falling.
    /// </summary>
    private static async Task<long> SettledHeap(int pid, DateTime lastTouched)
    {
        var wait = lastTouched.AddSeconds(IdleSeconds + 120) - DateTime.UtcNow;
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        var previous = await ManagedHeap.AfterFullGc(pid);
        for (var round = 0; round < 6; round++)
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            var heap = await ManagedHeap.AfterFullGc(pid);
            Log($"idle wait: heap {Mb(heap):F0} MB");
            if (Math.Abs(previous - heap) < previous / 100)
            {
                return heap;
            }

            previous = heap;
        }

        return previous;
    }

    /// <summary>
    /// The side-by-side load of the issue: 1,000 senders, the trained example model, 32 connections, then one
    /// connection; resident memory after each, and what the GC did per turn.
    /// </summary>
    private async Task Webhook(string model, IReadOnlyList<string> gatewayArgs)
    {
        if (!options.Wants("webhook"))
        {
            return;
        }

        string[] args = [.. gatewayArgs.Where((a, i) => a != "-m" && (i == 0 || gatewayArgs[i - 1] != "-m")), "-m", model];
        await using var gateway = await Target.Embedded(args, ProductGc);
        var pid = gateway.GatewayPids()[0];
        var url = gateway.BaseUrls[0];
        var start = ProcessMemory.Rss(pid);
        Add($"webhook, {Senders:N0} senders — live managed MB, fresh gateway (forced full GC)", Mb(await ManagedHeap.AfterFullGc(pid)), "F0");
        foreach (var connections in new[] { 32, 1 })
        {
            var threads = Math.Min(2, connections);
            var fixedWork = options.TurnsPerSender;
            var doneFile = Path.Combine(Path.GetTempPath(), $"switchboard-wrk-done-{Guid.NewGuid():N}");
            var script = fixedWork is { } perSender ? ConversationLoad.WebhookTurns(Senders, perSender, threads, doneFile) : ConversationLoad.WebhookSenders(Senders);
            if (fixedWork is null)
            {
                await SteadyState.WarmUp(async () => (await Wrk.RunScript(url, script, SteadyState.Round, threads, connections)).RequestsPerSecond);
            }

            // The GC is watched over the measured run only, so its counts are per measured turn.
            var watch = GcWatch.Start(pid);
            var clock = Stopwatch.StartNew();
            var result = await Wrk.RunScript(url, script, fixedWork is null ? options.Duration : FixedWorkLimit, threads, connections);
            var gc = await watch.Stop();
            File.Delete(doneFile);
            var seconds = clock.Elapsed.TotalSeconds;
            var turns = fixedWork is { } n ? (double)Senders * n : result.RequestsPerSecond * options.Duration.TotalSeconds;
            var shape = $"webhook, {Senders:N0} senders, trained model, {connections} connection{(connections > 1 ? "s" : "")}"
                        + (fixedWork is { } each ? $", {each} turns per sender" : "");
            if (result.Errors > 0)
            {
                note($"{shape}: {result.Errors} non-2xx answers");
            }

            Add($"{shape} — req/s", result.RequestsPerSecond, "F0");
            Add($"{shape} — p50 ms", result.P50, "F2");
            Add($"{shape} — p99 ms", result.P99, "F2");
            Add($"{shape} — p99 / p50", result.P99 / result.P50, "F1");
            Add($"{shape} — RSS MB after (started at {Mb(start):F0})", Mb(ProcessMemory.Rss(pid)), "F0");
            Add($"{shape} — of which anonymous (GC heap, native) MB", Mb(ProcessMemory.Anonymous(pid)), "F0");
            Add($"{shape} — of which file-backed and shared (code) MB", Mb(ProcessMemory.FileBacked(pid) + ProcessMemory.Shared(pid)), "F0");
            Add($"{shape} — GC heap MB after its last collection (free space included)", Mb(gc.HeapBytes), "F0");
            Add($"{shape} — KB allocated per turn (sampled)", gc.AllocatedBytes / 1024.0 / Math.Max(1, turns), "F0");
            Add($"{shape} — gen0 / gen2 collections per 1,000 turns: gen0", 1000.0 * gc.Gen0 / Math.Max(1, turns), "F2");
            Add($"{shape} — gen0 / gen2 collections per 1,000 turns: gen2", 1000.0 * gc.Gen2 / Math.Max(1, turns), "F2");
            Add($"{shape} — GC pause, % of wall time (max pause ms: {gc.MaxPauseMs:F1})", 100 * gc.PauseMs / 1000 / seconds, "F1");
            Add($"{shape} — large-object-heap KB allocated per turn", gc.LargeObjectBytes / 1024.0 / Math.Max(1, turns), "F2");
            Log(FormattableString.Invariant($"{shape}: GCs {gc.Gen0}/{gc.Gen1}/{gc.Gen2}, pauses {gc.PauseMs:F0} ms (max {gc.MaxPauseMs:F1}), LOH {gc.LargeObjectBytes / 1024} KB"));
            Log($"{shape}: allocated per turn, by type: " + string.Join(", ", gc.AllocatedByType.Take(12).Select(t => FormattableString.Invariant($"{t.Type} {t.Bytes / 1024.0 / Math.Max(1, turns):F1} KB"))));
        }

        Add($"webhook, {Senders:N0} senders — peak RSS MB over both loads", Mb(ProcessMemory.Peak(pid)), "F0");

        // Last, as forcing a full collection changes what the GC keeps: what of the heap is live data.
        Add($"webhook, {Senders:N0} senders — live managed MB after both loads (forced full GC)", Mb(await ManagedHeap.AfterFullGc(pid)), "F0");
        Add($"webhook, {Senders:N0} senders — RSS MB after that forced full GC", Mb(ProcessMemory.Rss(pid)), "F0");
        Add($"webhook, {Senders:N0} senders — events in one conversation", await EventCount(url, "s0"), "F0");
    }

    /// <summary>How long a fixed-work run may take before wrk gives up on it (it stops when its turns are done).</summary>
    private static readonly TimeSpan FixedWorkLimit = TimeSpan.FromMinutes(10);

    /// <summary>Peak resident memory of the <c>train</c> command: the example project, and 25,000 examples (CLINC150 + Banking77 train splits).</summary>
    private async Task Training()
    {
        if (!options.Wants("training"))
        {
            return;
        }

        var example = Path.Combine(Repo.Root, "examples", "restaurant");
        var output = Directory.CreateTempSubdirectory("switchboard-bench-train-").FullName;
        try
        {
            var (seconds, peak) = await TrainPeak(Path.Combine(example, "config.yml"), Path.Combine(example, "domain.yml"), Path.Combine(example, "data"), output);
            Add(FormattableString.Invariant($"training peak RSS MB, examples/restaurant ({seconds:F1} s)"), Mb(peak), "F0");
            if (LargeNluProject(output) is { } project)
            {
                (seconds, peak) = await TrainPeak(Path.Combine(example, "config.yml"), project.Domain, project.Data, output);
                Add(FormattableString.Invariant($"training peak RSS MB, {project.Examples:N0} NLU examples ({project.Name}; example config, {seconds:F0} s)"), Mb(peak), "F0");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>CLINC150's and Banking77's train splits as one Rasa project (NLU data and a domain of their intents), from <c>--datasets</c>.</summary>
    private (string Name, string Data, string Domain, int Examples)? LargeNluProject(string directory)
    {
        var root = options.Datasets;
        if (root is null || !Directory.Exists(Path.Combine(root, "CLINC150")) || !Directory.Exists(Path.Combine(root, "Banking77")))
        {
            note("training on 25,000 examples skipped: pass --datasets DIR holding CLINC150/ and Banking77/ (see docs/bot-model.md)");
            return null;
        }

        var examples = CorpusReader.Read(Path.Combine(root, "CLINC150")).Train.Concat(CorpusReader.Read(Path.Combine(root, "Banking77")).Train).ToList();
        var data = Path.Combine(directory, "nlu-data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "nlu.yml"), CorpusReader.ToRasaYaml(examples));
        var domain = Path.Combine(directory, "nlu-domain.yml");
        File.WriteAllText(domain, "version: \"3.1\"\nintents:\n" + string.Concat(examples.Select(e => e.Intent).Distinct().Select(i => $"  - {System.Text.Json.JsonSerializer.Serialize(i)}\n")));
        return ("CLINC150 + Banking77 train splits", data, domain, examples.Count);
    }

    /// <summary>Runs <c>train</c> and samples its peak resident memory (VmHWM) until it exits.</summary>
    private static async Task<(double Seconds, long PeakBytes)> TrainPeak(string config, string domain, string data, string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(Repo.ProjectOutput("ApiGateway"), "ApiGateway.dll"), "train", "--config", config, "--domain", domain, "--data", data, "--out", output, "--force" })
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            try
            {
                peak = Math.Max(peak, ProcessMemory.Peak(process.Id));
            }
            catch (IOException)
            {
                break; // exited between the check and the read
            }

            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("training failed: " + await log + await errors);
        }

        return (clock.Elapsed.TotalSeconds, peak);
    }

    /// <summary>
    /// The product's GC settings, not the workstation GC the other benchmark processes get: the memory figures are
    /// the shipped configuration's, or what <c>--gateway-env</c> sets.
    /// </summary>
    private Dictionary<string, string> ProductGc => new(options.GatewayEnv.Count > 0 ? options.GatewayEnv : new Dictionary<string, string> { ["DOTNET_gcServer"] = NodeProcess.Unset });

    private static async Task<long> EventCount(Uri url, string conversation)
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync(new Uri(url, $"/conversations/{conversation}/tracker?token={ConversationLoad.Token}"));
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("events").GetArrayLength();
    }

    private static HttpRequestMessage Post(Uri url, string path, string body) =>
        new(HttpMethod.Post, new Uri(url, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Sends <paramref name="count"/> requests, <paramref name="concurrency"/> at a time; a non-2xx answer stops the run.</summary>
    private static async Task Drive(Uri url, int count, int concurrency, Func<int, HttpRequestMessage> request)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var message = request(i);
                using var response = await http.SendAsync(message);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{message.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }));
    }

    private void Add(string figure, double value, string format) => add(new Row(figure, "embedded", value, null, HigherIsBetter: false, format));

    private static double Mb(long bytes) => bytes / 1048576.0;

    private static void Log(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
