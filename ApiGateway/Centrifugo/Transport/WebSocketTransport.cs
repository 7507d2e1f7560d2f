using System.Buffers;
using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// One WebSocket: a send queue bounded in bytes drained by a single writer (small frames queued together go out as
/// one message, newline-separated), and a close that sends what is queued first. The writer holds no buffer between
/// sends: a batch is copied into a pooled array and a large frame is sent as it is, so an idle connection keeps nothing.
/// </summary>
public sealed class WebSocketTransport(WebSocket socket, int maxQueuedBytes, NodeMetrics metrics) : ISessionTransport
{
    /// <summary>Frames are coalesced into one message up to this size.</summary>
    private const int BatchBytes = 64 * 1024;

    private readonly SendQueue queue = new(maxQueuedBytes);
    private readonly List<byte[]> batch = [];
    private readonly TaskCompletionSource closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Disconnect? disconnect;

    public Disconnect? Disconnect => Volatile.Read(ref disconnect);

    /// <summary>Completes when the connection is being closed (the writer may still be flushing).</summary>
    public Task Closing => closing.Task;

    public bool TrySend(byte[] frame) => queue.TryAdd(frame);

    public void Close(Disconnect reason)
    {
        if (Interlocked.CompareExchange(ref disconnect, reason, null) is null)
        {
            queue.Complete();
            closing.TrySetResult();
        }
    }

    /// <summary>Writes queued frames until closed, then sends the close frame.</summary>
    public async Task RunWriter(CancellationToken aborted)
    {
        try
        {
            while (await queue.WaitToReadAsync(aborted))
            {
                var size = TakeBatch();
                if (batch.Count == 1)
                {
                    await socket.SendAsync(batch[0], WebSocketMessageType.Text, endOfMessage: true, aborted);
                }
                else
                {
                    await SendJoined(size, aborted);
                }

                queue.Sent(size - (batch.Count - 1)); // the joining newlines were never queued
                metrics.MessagesSent(batch.Count, size);
                batch.Clear();
            }

            if (Disconnect is { } reason && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync((WebSocketCloseStatus)reason.Code, reason.Reason, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer is gone; the reader notices too.
        }
        finally
        {
            Close(Protocol.Disconnect.Normal);
        }
    }

    /// <summary>Takes queued frames up to <see cref="BatchBytes"/> (at least one); returns the message size with newlines.</summary>
    private int TakeBatch()
    {
        var size = 0;
        while (queue.TryPeek(out var next) && (batch.Count == 0 || size + 1 + next.Length <= BatchBytes))
        {
            queue.TryTake(out var frame);
            size += (batch.Count > 0 ? 1 : 0) + frame.Length;
            batch.Add(frame);
        }

        return size;
    }

    private async Task SendJoined(int size, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var at = 0;
            foreach (var frame in batch)
            {
                if (at > 0)
                {
                    buffer[at++] = (byte)'\n';
                }

                frame.CopyTo(buffer, at);
                at += frame.Length;
            }

            await socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Text, endOfMessage: true, aborted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
