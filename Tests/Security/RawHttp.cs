using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Security;

/// <summary>An HTTP answer as <see cref="RawHttp"/> read it; status 0 when the server closed without answering.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public override string ToString() => $"{Status} {(Body.Length > 300 ? Body[..300] + "..." : Body)}";
}

/// <summary>
/// HTTP/1.1 over a plain socket, for requests <see cref="HttpClient"/> would not send as written: request targets with
/// dot segments, encoded dots or double slashes are sent verbatim, bodies may be declared and sent any way.
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <param name="hangUp">Declare one byte more than <paramref name="body"/> holds, send it, and hang up without reading (status 0).</param>
    public static async Task<RawResponse> Send(Uri server, string method, string target, IEnumerable<(string Name, string Value)>? headers = null, byte[]? body = null, bool chunked = false, bool hangUp = false)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cts.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers ?? [])
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        if (body is not null)
        {
            head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.Length + (hangUp ? 1 : 0)}\r\n"));
        }

        head.Append("\r\n");
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cts.Token);
            if (body is not null)
            {
                await WriteBody(stream, body, chunked, cts.Token);
            }
        }
        catch (IOException)
        {
            // The server may answer (413) and close before the whole body is sent: its answer is still there to read.
        }

        if (hangUp)
        {
            client.Client.Close(0);
            return new RawResponse(0, new Dictionary<string, string>(), "");
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, cts.Token);
        }
        catch (IOException)
        {
            // Reset after the answer.
        }

        return Parse(received.ToArray());
    }

    private static async Task WriteBody(NetworkStream stream, byte[] body, bool chunked, CancellationToken cancel)
    {
        if (!chunked)
        {
            await stream.WriteAsync(body, cancel);
            return;
        }

        const int chunk = 16 * 1024;
        for (var at = 0; at < body.Length; at += chunk)
        {
            var length = Math.Min(chunk, body.Length - at);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancel);
            await stream.WriteAsync(body.AsMemory(at, length), cancel);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancel);
        }

        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel);
    }

    private static RawResponse Parse(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.", StringComparison.Ordinal) || end < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), text);
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = raw.AsSpan(Encoding.Latin1.GetByteCount(text[..end]) + 4);
        var decoded = headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
            ? Dechunk(body)
            : body.ToArray();
        return new RawResponse(status, headers, Encoding.UTF8.GetString(decoded));
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0];
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size == 0)
            {
                break;
            }

            body = body[(lineEnd + 2)..];
            output.Write(body[..Math.Min(size, body.Length)]);
            body = body[Math.Min(size + 2, body.Length)..];
        }

        return output.ToArray();
    }
}
