using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// Writes results and pushes as JSON, for both JSON generations (they differ only in the envelope).
/// Payloads (<c>data</c>, <c>info</c>) are raw JSON copied as they are, line ends aside; default values are left out.
/// </summary>
internal static class JsonReplyWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? writer;

    /// <summary>Runs <paramref name="write"/> on a per-thread writer and returns the bytes.</summary>
    public static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var output = buffer ??= new ArrayBufferWriter<byte>(256);
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        json.Reset(output);
        write(json, value);
        json.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>{"id":N,"error":{...}}</c>, or the result under <paramref name="resultName"/> (v2: <c>result</c>), or when
    /// that is null under the name of its kind (v3+: <c>connect</c>, <c>history</c>...).
    /// </summary>
    public static byte[] Reply(Reply reply, string? resultName) => Write((reply, resultName), static (w, state) =>
    {
        var (r, name) = state;
        w.WriteStartObject();
        w.WriteNumber("id", r.Id);
        if (r.Error is { } error)
        {
            WriteError(w, error);
        }
        else
        {
            w.WritePropertyName(name ?? ResultName(r));
            WriteResult(w, r);
        }

        w.WriteEndObject();
    });

    /// <summary>The property that names the result in a v3+ reply (<c>connect</c>, <c>history</c>...).</summary>
    private static string ResultName(Reply reply) => reply switch
    {
        { Connect: not null } => "connect",
        { Subscribe: not null } => "subscribe",
        { Unsubscribe: not null } => "unsubscribe",
        { Publish: not null } => "publish",
        { Presence: not null } => "presence",
        { PresenceStats: not null } => "presence_stats",
        { History: not null } => "history",
        { Ping: not null } => "ping",
        { Rpc: not null } => "rpc",
        { Refresh: not null } => "refresh",
        { SubRefresh: not null } => "sub_refresh",
        _ => throw new ArgumentException("reply without result", nameof(reply)),
    };

    /// <summary>Writes the reply's result object.</summary>
    private static void WriteResult(Utf8JsonWriter w, Reply reply)
    {
        w.WriteStartObject();
        switch (reply)
        {
            case { Connect: { } r }: WriteConnect(w, r); break;
            case { Subscribe: { } r }: WriteSubscribe(w, r); break;
            case { Presence: { } r }: WritePresence(w, r); break;
            case { PresenceStats: { } r }:
                w.WriteNumber("num_clients", r.NumClients);
                w.WriteNumber("num_users", r.NumUsers);
                break;
            case { History: { } r }:
                WritePublications(w, r.Publications);
                w.WriteString("epoch", r.Epoch);
                w.WriteNumber("offset", r.Offset);
                break;
            case { Rpc: { } r }: WriteRaw(w, "data", r.Data); break;
            case { Refresh: { } r }:
                w.WriteString("client", r.Client);
                w.WriteString("version", r.Version);
                WriteExpiry(w, r.Expires, r.Ttl);
                break;
            case { SubRefresh: { } r }: WriteExpiry(w, r.Expires, r.Ttl); break;
        }

        w.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter w, Error error)
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Temporary)
        {
            w.WriteBoolean("temporary", true);
        }

        w.WriteEndObject();
    }

    /// <summary>The property that names the push's body in v3+ (<c>pub</c>, <c>join</c>...).</summary>
    public static string PushName(Push push) => push switch
    {
        { Pub: not null } => "pub",
        { Join: not null } => "join",
        { Leave: not null } => "leave",
        { Unsubscribe: not null } => "unsubscribe",
        { Subscribe: not null } => "subscribe",
        { Disconnect: not null } => "disconnect",
        _ => throw new ArgumentException("push without body", nameof(push)),
    };

    /// <summary>Writes the push's body object.</summary>
    public static void WritePushBody(Utf8JsonWriter w, Push push)
    {
        switch (push)
        {
            case { Pub: { } p }: WritePublication(w, p); break;
            case { Join: { } j }: WriteInfoHolder(w, j.Info); break;
            case { Leave: { } l }: WriteInfoHolder(w, l.Info); break;
            case { Unsubscribe: { } u }:
                w.WriteStartObject();
                w.WriteNumber("code", u.Code);
                w.WriteString("reason", u.Reason);
                w.WriteEndObject();
                break;
            case { Subscribe: { } s }:
                w.WriteStartObject();
                if (s.Recoverable)
                {
                    w.WriteBoolean("recoverable", true);
                    w.WriteBoolean("positioned", s.Positioned);
                }

                if (s.Epoch.Length > 0)
                {
                    w.WriteString("epoch", s.Epoch);
                }

                if (s.Offset > 0)
                {
                    w.WriteNumber("offset", s.Offset);
                }

                w.WriteEndObject();
                break;
            case { Disconnect: { } d }:
                w.WriteStartObject();
                w.WriteNumber("code", d.Code);
                w.WriteString("reason", d.Reason);
                w.WriteBoolean("reconnect", d.Reconnect);
                w.WriteEndObject();
                break;
        }
    }

    public static void WritePublication(Utf8JsonWriter w, Publication publication)
    {
        w.WriteStartObject();
        WriteRaw(w, "data", publication.Data);
        if (publication.Info is { } info)
        {
            w.WritePropertyName("info");
            WriteClientInfo(w, info);
        }

        if (publication.Offset > 0)
        {
            w.WriteNumber("offset", publication.Offset);
        }

        w.WriteEndObject();
    }

    public static void WriteClientInfo(Utf8JsonWriter w, ClientInfo client)
    {
        w.WriteStartObject();
        w.WriteString("user", client.User);
        w.WriteString("client", client.Client);
        WriteRaw(w, "conn_info", client.ConnInfo);
        WriteRaw(w, "chan_info", client.ChanInfo);
        w.WriteEndObject();
    }

    private static void WriteConnect(Utf8JsonWriter w, ConnectResult r)
    {
        w.WriteString("client", r.Client);
        w.WriteString("version", r.Version);
        WriteExpiry(w, r.Expires, r.Ttl);
        WriteRaw(w, "data", r.Data);
        if (r.Ping > 0)
        {
            w.WriteNumber("ping", r.Ping);
        }

        if (r.Pong)
        {
            w.WriteBoolean("pong", true);
        }

        if (r.Session.Length > 0)
        {
            w.WriteString("session", r.Session);
        }

        if (r.Node.Length > 0)
        {
            w.WriteString("node", r.Node);
        }

        if (r.Subs.Count > 0)
        {
            w.WriteStartObject("subs");
            foreach (var (channel, sub) in r.Subs)
            {
                w.WriteStartObject(channel);
                WriteSubscribe(w, sub);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }
    }

    private static void WriteSubscribe(Utf8JsonWriter w, SubscribeResult r)
    {
        WriteExpiry(w, r.Expires, r.Ttl);
        if (r.Recoverable)
        {
            w.WriteBoolean("recoverable", true);
        }

        if (r.Positioned)
        {
            w.WriteBoolean("positioned", true);
        }

        if (r.Epoch.Length > 0)
        {
            w.WriteString("epoch", r.Epoch);
        }

        if (r.Offset > 0)
        {
            w.WriteNumber("offset", r.Offset);
        }

        if (r.WasRecovering)
        {
            w.WriteBoolean("was_recovering", true);
            w.WriteBoolean("recovered", r.Recovered);
        }

        if (r.Publications.Count > 0)
        {
            WritePublications(w, r.Publications);
        }

        WriteRaw(w, "data", r.Data);
    }

    private static void WritePresence(Utf8JsonWriter w, PresenceResult r)
    {
        w.WriteStartObject("presence");
        foreach (var (client, info) in r.Presence)
        {
            w.WritePropertyName(client);
            WriteClientInfo(w, info);
        }

        w.WriteEndObject();
    }

    public static void WritePublications(Utf8JsonWriter w, IEnumerable<Publication> publications)
    {
        w.WriteStartArray("publications");
        foreach (var publication in publications)
        {
            WritePublication(w, publication);
        }

        w.WriteEndArray();
    }

    private static void WriteInfoHolder(Utf8JsonWriter w, ClientInfo? info)
    {
        w.WriteStartObject();
        if (info is not null)
        {
            w.WritePropertyName("info");
            WriteClientInfo(w, info);
        }

        w.WriteEndObject();
    }

    private static void WriteExpiry(Utf8JsonWriter w, bool expires, uint ttl)
    {
        if (expires)
        {
            w.WriteBoolean("expires", true);
            w.WriteNumber("ttl", ttl);
        }
    }

    private static void WriteRaw(Utf8JsonWriter w, string name, ByteString json)
    {
        if (!json.IsEmpty)
        {
            w.WritePropertyName(name);
            WriteStored(w, json.Span);
        }
    }

    /// <summary>
    /// Writes stored JSON (publication data, info) as it is but for its line ends, which become spaces. JSON frames are
    /// newline-separated and SSE events line-based: a line end in a payload (whitespace between tokens, since JSON has
    /// none inside strings) split the frame, and the SDKs dropped every JSON subscriber on the half they could not
    /// parse, again on each recovery of that publication.
    /// </summary>
    public static void WriteStored(Utf8JsonWriter w, ReadOnlySpan<byte> json)
    {
        if (json.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            w.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var copy = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var spaced = copy.AsSpan(0, json.Length);
            json.CopyTo(spaced);
            spaced.Replace((byte)'\n', (byte)' ');
            spaced.Replace((byte)'\r', (byte)' ');
            w.WriteRawValue(spaced, skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}
