using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Security;

/// <summary>
/// HTTP/1.1 over a bare socket, for request targets <see cref="HttpClient"/> would clean up first (dot segments,
/// encoded dots, double slashes: what <c>curl --path-as-is</c> sends). One request per connection.
/// </summary>
public static class RasaRawHttp
{
    public static Task<(int Status, string Body)> Send(Uri baseUrl, string method, string target, string? authorization = null, string? body = null, string contentType = "application/json") =>
        Send(baseUrl, method, target, authorization, body is null ? null : Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Sends <paramref name="body"/> with a Content-Length, or <paramref name="chunked"/> without one.</summary>
    public static async Task<(int Status, string Body)> Send(Uri baseUrl, string method, string target, string? authorization, byte[]? body, string contentType = "application/json", bool chunked = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port, timeout.Token);
        await using var stream = client.GetStream();
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        if (authorization is not null)
        {
            head.Append("Authorization: ").Append(authorization).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        head.Append(chunked ? "Transfer-Encoding: chunked\r\n\r\n" : $"Content-Length: {body?.Length ?? 0}\r\n\r\n");
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), timeout.Token);
            if (body is not null && chunked)
            {
                for (var at = 0; at < body.Length; at += 64 * 1024)
                {
                    var size = Math.Min(64 * 1024, body.Length - at);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{size:x}\r\n"), timeout.Token);
                    await stream.WriteAsync(body.AsMemory(at, size), timeout.Token);
                    await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
                }

                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);
            }
            else if (body is not null)
            {
                await stream.WriteAsync(body, timeout.Token);
            }
        }
        catch (IOException)
        {
            // The server may answer (413) and close before the whole body is sent: its answer is still there to read.
        }

        using var response = new MemoryStream();
        try
        {
            await stream.CopyToAsync(response, timeout.Token);
        }
        catch (IOException) when (response.Length > 0)
        {
            // Reset after the answer.
        }

        return Parse(response.ToArray());
    }

    private static (int Status, string Body) Parse(byte[] response)
    {
        var headerEnd = response.AsSpan().IndexOf("\r\n\r\n"u8);
        var headers = Encoding.ASCII.GetString(response, 0, Math.Max(headerEnd, 0));
        if (!headers.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headerEnd < 0)
        {
            throw new InvalidOperationException($"not an HTTP response: '{Encoding.UTF8.GetString(response)}'");
        }

        var status = int.Parse(headers.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        var body = response.AsSpan(headerEnd + 4);
        return (status, Encoding.UTF8.GetString(headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body));
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> chunked)
    {
        var result = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked[..lineEnd]).Split(';')[0], 16);
            if (size == 0)
            {
                return result.ToArray();
            }

            result.Write(chunked.Slice(lineEnd + 2, size));
            chunked = chunked[(lineEnd + 2 + size + 2)..];
        }
    }
}
