using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// Runs one connection from accept to cleanup, whatever its transport: the reader and the writer until either side
/// ends it (the session's pings run on the node's wheel), then a flushed close and the session's unregistration.
/// </summary>
internal static class SessionLifetime
{
    /// <summary>Null once the node listens to its stream (before that, publications for its clients would be lost), else the 503 to answer.</summary>
    public static async Task<IResult?> WaitForNode(GatewayNode node, CancellationToken aborted)
    {
        try
        {
            await node.Listening.WaitAsync(TimeSpan.FromSeconds(30), aborted);
            return null;
        }
        catch (TimeoutException)
        {
            return Results.Problem("The node is not connected to the cluster yet.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    public static async Task Run(ClientSession session, QueuedTransport transport, Func<CancellationToken, Task> read, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        using var stopping = lifetime.ApplicationStopping.Register(() => session.Close(Disconnect.Shutdown));
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var reading = read(done.Token);
        var writer = transport.RunWriter(done.Token);
        session.StartPings();
        try
        {
            // The reader ends when the peer goes, the writer when the connection fails, and a close (e.g. of a slow
            // reader whose writes are blocked) gets a bounded time to flush below.
            await Task.WhenAny(reading, writer, transport.Closing);
        }
        finally
        {
            session.Close(transport.Disconnect ?? Disconnect.Normal);
            // Let the writer flush and send the close, and the peer answer it, then drop the connection.
            if (await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)) != writer)
            {
                transport.Abort();
            }

            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            await done.CancelAsync();
            await Task.WhenAll(reading, writer);
            await session.OnClosed();
        }
    }
}
