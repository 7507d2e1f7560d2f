using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.Operations;

/// <summary>
/// Our node counters as instruments on the Orleans meter. The dashboard only collects that meter and only
/// on silos, while the counters live on gateways: gateways report them into the node registry, and every
/// silo polls the registry and publishes the cluster totals here (so each silo shows the same totals).
/// </summary>
public sealed partial class NodeCounterInstruments : BackgroundService
{
    /// <summary>As often as the dashboard exports (once a second).</summary>
    public static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(1);

    private readonly GrainReferences grains;
    private readonly ILogger<NodeCounterInstruments> logger;
    private volatile NodeTotals totals = NodeTotals.None;

    public NodeCounterInstruments(OrleansInstruments instruments, GrainReferences grains, ILogger<NodeCounterInstruments> logger)
    {
        this.grains = grains;
        this.logger = logger;
        var meter = instruments.Meter;
        meter.CreateObservableGauge("switchboard.gateway.nodes", () => totals.Nodes, description: "Gateway nodes reporting to the node registry");
        meter.CreateObservableCounter("switchboard.publications", () => totals.Publications, description: "Publications accepted by all gateways");
        meter.CreateObservableCounter("switchboard.deliveries", () => totals.Deliveries, description: "Messages sent to WebSocket clients by all gateways");
        meter.CreateObservableGauge("switchboard.clients", () => totals.Clients, description: "Connected WebSocket clients on all gateways");
        meter.CreateObservableCounter("switchboard.api.requests", () => totals.ApiRequests, description: "Server API commands handled by all gateways");
        meter.CreateObservableCounter("switchboard.client.requests", () => totals.ClientRequests, description: "Client protocol commands handled by all gateways");
        meter.CreateObservableGauge("switchboard.conversations", () => totals.Conversations, description: "Conversations handled by all gateways");
    }

    public NodeTotals Totals => totals;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var nodes = await grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetNodes();
                totals = NodeTotals.Sum(nodes);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The silo may still be joining, or the registry's silo just died: keep the last totals.
                LogPollFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the node registry failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
