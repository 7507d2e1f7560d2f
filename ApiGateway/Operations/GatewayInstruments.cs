using System.Diagnostics.Metrics;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Hosting;

namespace Switchboard.ApiGateway.Operations;

/// <summary>This gateway node's own counters (the ones <c>node</c> reports) on our meter, for Prometheus per node.</summary>
public sealed class GatewayInstruments
{
    public const string MeterName = "Switchboard.Gateway";

    public GatewayInstruments(IMeterFactory meters, GatewayNode node, OpenConnections connections)
    {
        var meter = meters.Create(MeterName);
        var metrics = node.Metrics;
        meter.CreateObservableCounter("switchboard.node.publications", () => metrics.Published, description: "Publications accepted by this gateway");
        meter.CreateObservableCounter("switchboard.node.deliveries", () => metrics.Sent, description: "Messages sent to this gateway's WebSocket clients");
        meter.CreateObservableCounter("switchboard.node.writes", () => metrics.Writes, description: "Writes to clients' connections (each carries one or more messages)");
        meter.CreateObservableCounter("switchboard.node.api.requests", () => metrics.ApiRequests, description: "Server API commands handled");
        meter.CreateObservableCounter("switchboard.node.client.requests", () => metrics.ClientRequests, description: "Client protocol commands handled");
        meter.CreateObservableCounter("switchboard.node.client.bytes.in", () => metrics.BytesIn, "By", "Bytes received from WebSocket clients");
        meter.CreateObservableCounter("switchboard.node.client.bytes.out", () => metrics.BytesOut, "By", "Bytes sent to WebSocket clients");
        meter.CreateObservableCounter("switchboard.node.client.disconnects", () => metrics.Disconnects.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("code", d.Key))),
            description: "WebSocket connections closed, by close code (3008 slow, 3005 expired, 3501 bad request, ...)");
        meter.CreateObservableGauge("switchboard.node.clients", () => node.Hub.ClientCount, description: "Connected WebSocket clients");
        meter.CreateObservableGauge("switchboard.node.users", () => node.Hub.UserCount, description: "Distinct users connected");
        meter.CreateObservableGauge("switchboard.node.channels", () => node.Hub.ChannelCount, description: "Channels with subscribers on this gateway");
        meter.CreateObservableGauge("switchboard.node.connections.open", () => connections.Open, description: "Connections open on all of this gateway's listeners (HTTP, WebSocket, gRPC), against max_connections");
        meter.CreateObservableCounter("switchboard.node.connections.refused", () => connections.Refused, description: "Connections closed as accepted because max_connections were open");
    }
}
