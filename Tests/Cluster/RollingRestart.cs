using System.Diagnostics;
using System.Net;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A rolling restart under load (issue 13): every silo, then every gateway, stopped with SIGTERM and started again on
/// its ports, one at a time, while publishes go to <c>/api/</c> through both gateways, conversation messages are
/// posted and WebSocket clients with recovery are subscribed to the published channels. Clients of a restarting
/// gateway reconnect to the other and recover. Nothing acknowledged may be lost: every publish is in its channel's
/// history and reached every subscriber of it; every message is in its tracker. The gateways run the conversation
/// API with <paramref name="token"/>.
/// </summary>
public sealed class RollingRestart(LocalCluster cluster, string token, ITestOutputHelper output)
{
    public async Task Run(int publishRate, int messageRate, int sockets)
    {
        Assert.Equal(2, cluster.Gateways.Count);

        // Gateways come back on their ports, so these clients stay valid through the restarts.
        var apis = cluster.Gateways.Select(g => new ClusterApi(g)).ToArray();
        var https = cluster.Gateways.Select(g => new HttpClient { BaseAddress = g.BaseUrl, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        RecoveringSubscriber[] subscribers = [];
        try
        {
            foreach (var http in https)
            {
                await Eventually.Until(async () => (await http.GetAsync($"/status?token={token}")).StatusCode == HttpStatusCode.OK, cluster.Describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
            }

            // Each gateway publishes to its own channels (each load numbers its publishes); clients on both gateways.
            var channels = apis.Select((_, g) => Enumerable.Range(0, 50).Select(i => $"chat:rolling-{g}-{i}").ToArray()).ToArray();
            var all = channels.SelectMany(c => c).ToArray();
            subscribers = await Batches.ForEach(Enumerable.Range(0, sockets), i => RecoveringSubscriber.Start(cluster.Gateways[i % 2], all[i % all.Length]));

            using var stop = new CancellationTokenSource();
            var publishes = apis.Select(_ => new PublishLoad()).ToArray();
            var messages = new ConversationLoad(https, token);
            var conversations = Enumerable.Range(0, 100).Select(i => $"rolling-{Guid.NewGuid():N}-{i}").ToArray();
            var longest = TimeSpan.FromMinutes(30);
            var running = Task.WhenAll(publishes.Select((l, g) => l.Run(apis[g], channels[g], publishRate / 2, longest, stop.Token))
                .Append(messages.Run(conversations, messageRate, longest, stop.Token)));
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(3));

            foreach (var silo in cluster.Silos)
            {
                await cluster.RestartAsync(silo);
                output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s: restarted {silo}");
            }

            for (var g = 0; g < 2; g++)
            {
                var (restarting, other) = (cluster.Gateways[g], cluster.Gateways[1 - g]);
                var moving = subscribers.Where(s => s.Gateway == restarting).ToArray();
                var reconnecting = Batches.ForEach(moving, s => s.Reconnect(other));
                await cluster.RestartAsync(restarting);
                await reconnecting;
                output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s: restarted {restarting}; {moving.Length} clients moved to {other}");
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            stop.Cancel();
            await running;
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s: load stopped");

            long found = 0, lost = 0;
            for (var g = 0; g < 2; g++)
            {
                var (f, l) = await publishes[g].CountInHistory(apis[g]);
                (found, lost) = (found + f, lost + l);
            }

            var (messagesFound, messagesLost) = await messages.CountInTrackers();

            // Every acknowledged publish reaches every subscriber of its channel: live, recovered, or live after.
            var acknowledged = publishes.SelectMany(l => l.AcknowledgedByKey).ToDictionary(p => p.Key, p => p.Value.ToArray());
            long Missing() => subscribers.Sum(s => (long)s.Missing(acknowledged.GetValueOrDefault(s.Channel, [])));
            var missing = await Eventually.Get(() => Task.FromResult(Missing()), m => m == 0, "every acknowledged publish at every subscriber", TimeSpan.FromSeconds(60))
                .ContinueWith(t => t.IsCompletedSuccessfully ? 0 : Missing(), TaskScheduler.Default);

            output.WriteLine($"publishes: sent {publishes.Sum(l => l.Sent)}, acknowledged {publishes.Sum(l => l.Acknowledged)}, failed {publishes.Sum(l => l.Failed)}, found {found}, lost {lost}");
            output.WriteLine($"conversation messages: sent {messages.Sent}, acknowledged {messages.Acknowledged}, failed {messages.Failed}, found {messagesFound}, lost {messagesLost}");
            output.WriteLine($"WebSocket clients: {subscribers.Length}, reconnected {subscribers.Count(s => s.Reconnected)} ({subscribers.Sum(s => s.Reconnects)} reconnects), " +
                             $"recovered every time {subscribers.Count(s => s.Recovered)}, publications recovered {subscribers.Sum(s => (long)s.RecoveredPublications)}, " +
                             $"insufficient state {subscribers.Sum(s => s.InsufficientStates)}, " +
                             $"deliveries expected {subscribers.Sum(s => (long)acknowledged.GetValueOrDefault(s.Channel, []).Length)}, missing {missing}");
            foreach (var failure in subscribers.Select(s => s.Error).OfType<string>().Distinct().Take(5))
            {
                output.WriteLine($"  reconnect error: {failure}");
            }

            Assert.True(publishes.Sum(l => l.Acknowledged) > 0 && messages.Acknowledged > 0, "nothing was acknowledged");
            Assert.Equal(0, lost);
            Assert.Equal(0, messagesLost);
            Assert.All(subscribers, s => Assert.True(s.Reconnected && s.Recovered, $"{s.Channel}: {s.Reconnects} reconnects, {s.Recoveries} recovered, {s.Error}"));
            Assert.Equal(0, missing);
        }
        finally
        {
            await Batches.ForEach(subscribers, async s => await s.DisposeAsync());
            foreach (var api in apis)
            {
                api.Dispose();
            }

            foreach (var http in https)
            {
                http.Dispose();
            }
        }
    }
}
