using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Security;

/// <summary>
/// HTTP/1.1 over a bare socket, for request targets <see cref="HttpClient"/> would clean up first (dot segments,
/// encoded dots, double slashes: what <c>curl --path-as-is</c> sends). One request per connection.
/// </summary>
public static class RasaRawHttp
{
    public static async Task<(int Status, string Body)> Send(Uri baseUrl, string method, string target, string? authorization = null, string? body = null, string contentType = "application/json")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port);
        await using var stream = client.GetStream();
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
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

        head.Append("Content-Length: ").Append(bytes.Length).Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(bytes);

        using var response = new MemoryStream();
        await stream.CopyToAsync(response);
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
