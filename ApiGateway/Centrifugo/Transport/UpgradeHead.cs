using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// The head of an HTTP/1.1 request that opens a client WebSocket, read from the connection's first bytes. Only the
/// plainest form is recognised (<c>GET /connection/websocket[?query] HTTP/1.1</c>, one Host, <c>Upgrade: websocket</c>,
/// version 13, a valid key, ASCII only, no body); anything else is left to Kestrel's HTTP pipeline, which accepts,
/// answers or refuses it as every other request.
/// </summary>
internal sealed record UpgradeHead(string Key, string Host, string? Origin, IReadOnlyList<string> Subprotocols, bool FormatProtobuf)
{
    /// <summary>
    /// Longest head taken here; a longer one (large cookies) goes the HTTP way, under Kestrel's own limits
    /// (request line 8 KB, headers 32 KB and 100 fields by default).
    /// </summary>
    public const int MaxLength = 4096;

    /// <summary>Most header fields taken here (Kestrel's default limit).</summary>
    private const int MaxFields = 100;

    private static ReadOnlySpan<byte> End => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> Start => "GET /connection/websocket"u8;

    /// <summary>
    /// The head at the start of <paramref name="buffer"/> and where it ends, or null (then it is not for us: not an
    /// upgrade to the client endpoint in the plain form, not complete in these bytes, or longer than <see cref="MaxLength"/>).
    /// </summary>
    public static UpgradeHead? Read(ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        end = buffer.Start;
        if (buffer.Length < Start.Length || !StartsWith(buffer, Start))
        {
            return null;
        }

        var reader = new SequenceReader<byte>(buffer.Slice(0, Math.Min(buffer.Length, MaxLength)));
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, End))
        {
            return null;
        }

        end = reader.Position;
        Span<byte> bytes = stackalloc byte[(int)head.Length];
        head.CopyTo(bytes);
        foreach (var b in bytes)
        {
            // Printable ASCII, tabs and line ends only: anything else is Kestrel's to judge.
            if (b is (< 0x20 or > 0x7e) and not ((byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return null;
            }
        }

        return Parse(Encoding.ASCII.GetString(bytes));
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        Span<byte> first = stackalloc byte[prefix.Length];
        buffer.Slice(0, prefix.Length).CopyTo(first);
        return first.SequenceEqual(prefix);
    }

    private static UpgradeHead? Parse(string head)
    {
        var lines = head.Split("\r\n");
        if (lines.Length - 1 > MaxFields || lines.Any(line => line.Contains('\r') || line.Contains('\n')) || ParseRequestLine(lines[0]) is not { } formatProtobuf)
        {
            return null;
        }

        var hosts = 0;
        var connectionUpgrade = false;
        string? host = null, origin = null, upgrade = null, version = null, key = null;
        var subprotocols = new List<string>();
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                return null;
            }

            var value = line[(colon + 1)..].Trim(' ', '\t');
            switch (line[..colon].ToLowerInvariant())
            {
                case "host":
                    hosts++;
                    host = value;
                    break;
                case "origin" when origin is null:
                    origin = value;
                    break;
                case "connection":
                    connectionUpgrade |= value.Split(',', StringSplitOptions.TrimEntries).Contains("upgrade", StringComparer.OrdinalIgnoreCase);
                    break;
                case "upgrade" when upgrade is null:
                    upgrade = value;
                    break;
                case "sec-websocket-version" when version is null:
                    version = value;
                    break;
                case "sec-websocket-key" when key is null:
                    key = value;
                    break;
                case "sec-websocket-protocol":
                    subprotocols.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "origin" or "upgrade" or "sec-websocket-version" or "sec-websocket-key" or "content-length" or "transfer-encoding":
                    // Repeated, or a body on the upgrade: unusual.
                    return null;
            }
        }

        var plain = hosts == 1 && IsPlainHost(host!) && connectionUpgrade && "websocket".Equals(upgrade, StringComparison.OrdinalIgnoreCase) && version == "13" && IsKey(key);
        return plain ? new UpgradeHead(key!, host!, origin, subprotocols, formatProtobuf) : null;
    }

    /// <summary>Whether the query says <c>format=protobuf</c> (once, as the HTTP path reads it); null when the line is not the plain form.</summary>
    private static bool? ParseRequestLine(string line)
    {
        const string suffix = " HTTP/1.1";
        if (!line.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var target = line[4..^suffix.Length];
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        if (path != WebSocketEndpoint.Path || target.AsSpan().IndexOfAny(" \t#%+") >= 0)
        {
            // Escapes, fragments or another path: the HTTP pipeline decodes and routes them.
            return null;
        }

        var formats = question < 0 ? [] : target[(question + 1)..].Split('&')
            .Where(pair => pair.Split('=', 2)[0].Equals("format", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair.Split('=', 2) is [_, var value] ? value : "")
            .ToArray();
        return formats is ["protobuf"];
    }

    private static bool IsToken(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !"!#$%&'*+-.^_`|~".Contains(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A host name or address and port in the plainest characters; anything else is Kestrel's to validate.</summary>
    private static bool IsPlainHost(string host) => host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '[' or ']');

    /// <summary>A <c>Sec-WebSocket-Key</c>: 16 bytes in base64 (RFC 6455 4.2.1).</summary>
    private static bool IsKey(string? key)
    {
        Span<byte> nonce = stackalloc byte[16];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, nonce, out var written) && written == 16;
    }

    /// <summary>The handshake's answer: 101 with <c>Sec-WebSocket-Accept</c> and the chosen subprotocol, if any.</summary>
    public byte[] Response(string? subprotocol)
    {
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(Key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var protocol = subprotocol is null ? "" : $"Sec-WebSocket-Protocol: {subprotocol}\r\n";
        return Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n{protocol}\r\n");
    }
}
