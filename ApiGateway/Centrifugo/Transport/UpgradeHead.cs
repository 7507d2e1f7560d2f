using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

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

    /// <summary>Characters of a <c>Sec-WebSocket-Key</c>: 16 bytes in base64.</summary>
    private const int KeyLength = 24;

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

        return Parse(bytes);
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        Span<byte> first = stackalloc byte[prefix.Length];
        buffer.Slice(0, prefix.Length).CopyTo(first);
        return first.SequenceEqual(prefix);
    }

    /// <summary>Parsed in place (every connection passes here): strings only for what the upgrade keeps.</summary>
    private static UpgradeHead? Parse(ReadOnlySpan<byte> head)
    {
        // CR and LF only together, as line ends: a lone one is not the plain form.
        var lineEnds = head.Count("\r\n"u8);
        if (head.Count((byte)'\r') != lineEnds || head.Count((byte)'\n') != lineEnds)
        {
            return null;
        }

        bool? formatProtobuf = null;
        int hosts = 0, fields = 0;
        bool connectionUpgrade = false, hasOrigin = false, hasUpgrade = false, hasVersion = false, hasKey = false;
        ReadOnlySpan<byte> host = default, origin = default, upgrade = default, version = default, key = default;
        List<string>? subprotocols = null;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            if (formatProtobuf is null)
            {
                if ((formatProtobuf = ParseRequestLine(line)) is null)
                {
                    return null;
                }

                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (++fields > MaxFields || colon <= 0 || !IsToken(line[..colon]))
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "host"u8))
            {
                hosts++;
                host = value;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                foreach (var item in value.Split((byte)','))
                {
                    connectionUpgrade |= Ascii.EqualsIgnoreCase(value[item].Trim(" \t"u8), "upgrade"u8);
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "sec-websocket-protocol"u8))
            {
                foreach (var item in value.Split((byte)','))
                {
                    if (value[item].Trim(" \t"u8) is { IsEmpty: false } protocol)
                    {
                        (subprotocols ??= []).Add(Subprotocol(protocol));
                    }
                }
            }
            else if (!(TryFirst(name, "origin"u8, value, ref hasOrigin, ref origin) && TryFirst(name, "upgrade"u8, value, ref hasUpgrade, ref upgrade)
                && TryFirst(name, "sec-websocket-version"u8, value, ref hasVersion, ref version) && TryFirst(name, "sec-websocket-key"u8, value, ref hasKey, ref key))
                || Ascii.EqualsIgnoreCase(name, "content-length"u8) || Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                // Repeated, or a body on the upgrade: unusual.
                return null;
            }
        }

        var plain = hosts == 1 && IsPlainHost(host) && connectionUpgrade && Ascii.EqualsIgnoreCase(upgrade, "websocket"u8) && version.SequenceEqual("13"u8) && IsKey(key);
        return plain
            ? new UpgradeHead(Encoding.ASCII.GetString(key), Encoding.ASCII.GetString(host), hasOrigin ? Encoding.ASCII.GetString(origin) : null, subprotocols ?? [], formatProtobuf!.Value)
            : null;
    }

    /// <summary>False when <paramref name="name"/> is <paramref name="field"/> seen before; its first value is kept.</summary>
    private static bool TryFirst(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, ref bool seen, ref ReadOnlySpan<byte> kept)
    {
        if (!Ascii.EqualsIgnoreCase(name, field))
        {
            return true;
        }

        if (seen)
        {
            return false;
        }

        seen = true;
        kept = value;
        return true;
    }

    /// <summary>The subprotocols this server speaks as their constants, others as read.</summary>
    private static string Subprotocol(ReadOnlySpan<byte> name) =>
        Ascii.Equals(name, ClientCodecs.JsonSubprotocol) ? ClientCodecs.JsonSubprotocol
        : Ascii.Equals(name, ClientCodecs.ProtobufSubprotocol) ? ClientCodecs.ProtobufSubprotocol
        : Encoding.ASCII.GetString(name);

    /// <summary>Whether the query says <c>format=protobuf</c> (once, as the HTTP path reads it); null when the line is not the plain form.</summary>
    private static bool? ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var suffix = " HTTP/1.1"u8;
        if (!line.EndsWith(suffix))
        {
            return null;
        }

        // "GET " is there: the head starts with it.
        var target = line[4..^suffix.Length];
        var question = target.IndexOf((byte)'?');
        var path = question < 0 ? target : target[..question];
        if (!Ascii.Equals(path, WebSocketEndpoint.Path) || target.IndexOfAny(" \t#%+"u8) >= 0)
        {
            // Escapes, fragments or another path: the HTTP pipeline decodes and routes them.
            return null;
        }

        if (question < 0)
        {
            return false;
        }

        var query = target[(question + 1)..];
        var formats = 0;
        var protobuf = false;
        foreach (var range in query.Split((byte)'&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf((byte)'=');
            if (Ascii.EqualsIgnoreCase(equals < 0 ? pair : pair[..equals], "format"u8))
            {
                formats++;
                protobuf = equals >= 0 && pair[(equals + 1)..].SequenceEqual("protobuf"u8);
            }
        }

        return formats == 1 && protobuf;
    }

    private static bool IsToken(ReadOnlySpan<byte> name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && "!#$%&'*+-.^_`|~"u8.IndexOf(c) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A host name or address and port in the plainest characters; anything else is Kestrel's to validate.</summary>
    private static bool IsPlainHost(ReadOnlySpan<byte> host)
    {
        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c is not ((byte)'.' or (byte)'-' or (byte)'_' or (byte)':' or (byte)'[' or (byte)']'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A <c>Sec-WebSocket-Key</c>: 16 bytes in base64 (RFC 6455 4.2.1), decoded as Kestrel's path checks it.</summary>
    private static bool IsKey(ReadOnlySpan<byte> key)
    {
        Span<char> chars = stackalloc char[KeyLength];
        Span<byte> nonce = stackalloc byte[16];
        return key.Length == KeyLength && Ascii.ToUtf16(key, chars, out _) == OperationStatus.Done
            && Convert.TryFromBase64Chars(chars, nonce, out var written) && written == 16;
    }

    /// <summary>
    /// Writes the handshake's answer into <paramref name="output"/> (the caller flushes): 101 with
    /// <c>Sec-WebSocket-Accept</c> and the chosen subprotocol, if any.
    /// </summary>
    public void WriteResponse(IBufferWriter<byte> output, string? subprotocol)
    {
        var magic = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;
        Span<byte> keyed = stackalloc byte[KeyLength + magic.Length];
        Encoding.ASCII.GetBytes(Key, keyed);
        magic.CopyTo(keyed[KeyLength..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(keyed, hash);
        Span<byte> accept = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(SHA1.HashSizeInBytes)];
        Base64.EncodeToUtf8(hash, accept, out _, out _);

        output.Write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8);
        output.Write(accept);
        output.Write("\r\n"u8);
        if (subprotocol is not null)
        {
            output.Write("Sec-WebSocket-Protocol: "u8);
            Encoding.ASCII.GetBytes(subprotocol, output);
            output.Write("\r\n"u8);
        }

        output.Write("\r\n"u8);
    }
}
