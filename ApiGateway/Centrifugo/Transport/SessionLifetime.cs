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

    /// <summary>
    /// <paramref name="read"/> (a static lambda) reads the client's half until it ends, with <paramref name="reader"/>
    /// as its state: a closure would be two more objects kept for the connection's whole life.
    /// </summary>
    public static async Task Run<TReader>(ClientSession session, QueuedTransport transport, TReader reader, Func<TReader, CancellationToken, Task> read, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        // A static callback with the session as its state: no closure and delegate kept per connection.
        using var stopping = lifetime.ApplicationStopping.Register(static state => ((ClientSession)state!).Close(Disconnect.Shutdown), session);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var reading = read(reader, done.Token);
        var writer = transport.RunWriter(done.Token);
        session.StartPings();
        try
        {
            // The reader ends when the peer goes, the writer when the connection fails, and a close (e.g. of a slow
            // reader whose writes are blocked) gets a bounded time to flush below. The writer's end closes the
            // transport, so Closing stands for it too: two tasks need no array kept for the connection's life.
            await Task.WhenAny(reading, transport.Closing);
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
