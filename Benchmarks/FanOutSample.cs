namespace Switchboard.Benchmarks;

/// <summary>
/// One full-speed fan-out measurement: messages and bytes delivered per second, the deliveries the acknowledged
/// publishes asked for per second, and CPU time per delivered message (µs) of the gateway, the client processes
/// and the publisher (the runner): the cost of a message, which the machine's other load does not change the way
/// it changes the rate. <see cref="PerRead"/>: messages per transport read, how many frames the server's writers
/// joined into one WebSocket message (for HTTP-streaming, per chunk read).
/// </summary>
public sealed record FanOutSample(double Messages, double Bytes, double Offered, double PerRead, double GatewayCpu, double ClientCpu, double PublisherCpu, int Closed)
{
    public double BytesPerMessage => Bytes / Math.Max(1, Messages);
}
