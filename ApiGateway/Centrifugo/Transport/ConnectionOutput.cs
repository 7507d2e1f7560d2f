using System.Buffers.Binary;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// The output of a plain HTTP/1.1 connection upgraded to a WebSocket, shared by two writers, one whole frame at a
/// time: the <see cref="System.Net.WebSockets.WebSocket"/> (pongs, the close handshake, the close after a receive
/// error), which writes through <see cref="GuardedUpgradeStream"/>, and the session's writer, whose data frames go
/// straight into the connection's pipe (<see cref="TryWriteMessage"/>): header and payload written where Kestrel's
/// socket sender reads them, one flush per message, instead of a WebSocket send, a copy into its buffer and an HTTP
/// response stream write for each. Installed as the request's upgrade feature, so that the WebSocket middleware
/// upgrades through it; receiving stays the WebSocket's.
/// </summary>
public sealed class ConnectionOutput(IHttpUpgradeFeature? upgrade, PipeWriter pipe) : IHttpUpgradeFeature
{
    /// <summary>Opcode and FIN bit, largest header: RFC 6455 5.2 (a server's frames are not masked).</summary>
    private const byte Final = 0x80, Text = 0x1, Binary = 0x2, CloseOpcode = 0x8;

    private const int MaxHeaderBytes = 10;

    private readonly SemaphoreSlim turn = new(1, 1);

    /// <summary>A close frame went out: no data frame may follow it.</summary>
    private bool closeSent;

    public bool IsUpgradableRequest => upgrade?.IsUpgradableRequest ?? false;

    /// <summary>The output of a connection upgraded below Kestrel's HTTP layer (<see cref="DirectWebSocketAccept"/>).</summary>
    public static ConnectionOutput Over(PipeWriter pipe) => new(null, pipe);

    /// <summary>The connection as the WebSocket sees it: its writes take turns with the session's data frames.</summary>
    internal Stream Guard(Stream connection) => new GuardedUpgradeStream(connection, this);

    /// <summary>Routes this request's WebSocket upgrade through a shared output, where the connection allows it.</summary>
    public static Task Install(HttpContext context, RequestDelegate next)
    {
        // Only a plain HTTP/1.1 upgrade owns its connection's pipe: TLS encrypts below it, and HTTP/2 multiplexes it.
        if (!context.Request.IsHttps && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade
            && context.Features.Get<IConnectionTransportFeature>()?.Transport.Output is { } pipe)
        {
            var output = new ConnectionOutput(upgrade, pipe);
            context.Features.Set<IHttpUpgradeFeature>(output);
            context.Features.Set(output);
        }

        return next(context);
    }

    public async Task<Stream> UpgradeAsync() =>
        Guard(await (upgrade ?? throw new InvalidOperationException("Upgraded below the HTTP layer already.")).UpgradeAsync());

    /// <summary>
    /// Writes <paramref name="frames"/> joined in <paramref name="framing"/> as one unfragmented WebSocket message
    /// of <paramref name="size"/> bytes (or, where the framing keeps them apart, a message each) and flushes once;
    /// false when a close frame has gone out (the messages are dropped).
    /// </summary>
    public async Task<bool> TryWriteMessage(List<byte[]> frames, Framing framing, int size, CancellationToken aborted)
    {
        await turn.WaitAsync(aborted);
        try
        {
            if (closeSent)
            {
                return false;
            }

            var opcode = framing.Binary ? Binary : Text;
            if (framing.OnePerMessage)
            {
                foreach (var frame in frames)
                {
                    var message = Reserve(MaxHeaderBytes + frame.Length);
                    var header = WriteHeader(message, opcode, frame.Length);
                    frame.CopyTo(message[header..]);
                    pipe.Advance(header + frame.Length);
                }
            }
            else
            {
                var message = Reserve(MaxHeaderBytes + size);
                var header = WriteHeader(message, opcode, size);
                framing.Join(frames, message[header..]);
                pipe.Advance(header + size);
            }

            await Flush(aborted);
            return true;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Writes a frame the WebSocket made (header and payload, whole) in turn with the session's writer.</summary>
    internal async ValueTask WriteFrame(ReadOnlyMemory<byte> frame, CancellationToken aborted)
    {
        await turn.WaitAsync(aborted);
        try
        {
            if (!frame.IsEmpty && (frame.Span[0] & 0x0F) == CloseOpcode)
            {
                closeSent = true;
            }

            frame.Span.CopyTo(Reserve(frame.Length));
            pipe.Advance(frame.Length);
            await Flush(aborted);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Lets a writer stuck on a reader that stopped reading go.</summary>
    public void CancelPendingWrite() => pipe.CancelPendingFlush();

    /// <summary>Room for <paramref name="size"/> bytes in the pipe, which Kestrel completes once the connection has dropped.</summary>
    private Span<byte> Reserve(int size)
    {
        try
        {
            return pipe.GetSpan(size);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException("The connection's output is closed.", ex);
        }
    }

    private async ValueTask Flush(CancellationToken aborted)
    {
        var flushed = await pipe.FlushAsync(aborted);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            // The socket sender stopped (the connection dropped) or the writer was let go.
            throw new IOException("The connection's output is closed.");
        }
    }

    private static int WriteHeader(Span<byte> header, byte opcode, int length)
    {
        header[0] = (byte)(Final | opcode);
        switch (length)
        {
            case < 126:
                header[1] = (byte)length;
                return 2;
            case <= ushort.MaxValue:
                header[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)length);
                return 4;
            default:
                header[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)length);
                return 10;
        }
    }
}
