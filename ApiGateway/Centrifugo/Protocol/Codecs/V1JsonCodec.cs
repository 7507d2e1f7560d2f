using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The Centrifugo v1 client protocol (centrifuge-js 1.x): <c>{"uid","method","params"}</c> messages (one, or an
/// array), replies <c>{"uid","method","error","body"}</c>, <c>message</c>/<c>join</c>/<c>leave</c> pushes, and
/// HMAC-signed credentials instead of JWTs. Message uids are publication offsets, so a client recovers from the
/// last uid it saw. Replies name their method and channel, which commands do not keep, so each connection has
/// its own instance that remembers them per pending command; pushes depend on nothing per connection.
/// </summary>
public sealed class V1JsonCodec : IClientCodec
{
    private readonly Dictionary<uint, Pending> pending = [];
    private readonly Lock gate = new();
    private uint nextId;

    private sealed record Pending(string Uid, string Method, string? Channel);

    public string Name => "json-v1";

    public int Slot => 4;

    public Framing Framing => Framing.JsonArray;

    public byte[]? Ping => null;

    /// <summary>Whether a first message is a v1 connect (the object, or the first of an array).</summary>
    public static bool IsConnect(JsonElement root)
    {
        var first = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
        return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("method", out var method)
            && method.ValueKind == JsonValueKind.String && method.ValueEquals("connect"u8);
    }

    public bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands)
    {
        if (!JsonLines.TryParse(message, out var root))
        {
            return false;
        }

        try
        {
            foreach (var item in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
            {
                commands.Add(Read(item));
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    public byte[] EncodeReply(Reply reply)
    {
        Pending? request;
        lock (gate)
        {
            pending.Remove(reply.Id, out request);
        }

        return JsonReplyWriter.Write((reply, request ?? new Pending("", "", null)), static (w, state) =>
        {
            var (r, request) = state;
            w.WriteStartObject();
            w.WriteString("uid", request.Uid);
            w.WriteString("method", request.Method);
            if (r.Error is { } error)
            {
                w.WriteString("error", error.Message);
                w.WriteString("advice", error.Temporary ? "retry" : "fix");
            }
            else
            {
                w.WriteNull("error");
            }

            w.WritePropertyName("body");
            WriteBody(w, r, request.Channel);
            w.WriteEndObject();
        });
    }

    public byte[] EncodePush(Push push) => JsonReplyWriter.Write(push, static (w, p) =>
    {
        w.WriteStartObject();
        switch (p)
        {
            case { Pub: { } publication }:
                w.WriteString("method", "message");
                w.WritePropertyName("body");
                WriteMessage(w, p.Channel, publication);
                break;
            case { Join: { } join }:
                WriteMembership(w, "join", p.Channel, join.Info);
                break;
            case { Leave: { } leave }:
                WriteMembership(w, "leave", p.Channel, leave.Info);
                break;
            // v1 has no server-side subscriptions: its clients ignore a subscribe for a channel they did not ask for.
            case { Subscribe: not null }:
                w.WriteString("method", "subscribe");
                w.WriteStartObject("body");
                w.WriteString("channel", p.Channel);
                w.WriteBoolean("status", true);
                w.WriteEndObject();
                break;
            case { Unsubscribe: not null }:
                w.WriteString("method", "unsubscribe");
                w.WriteStartObject("body");
                w.WriteString("channel", p.Channel);
                w.WriteEndObject();
                break;
            case { Disconnect: { } disconnect }:
                w.WriteString("method", "disconnect");
                w.WriteStartObject("body");
                w.WriteString("reason", disconnect.Reason);
                w.WriteBoolean("reconnect", disconnect.Reconnect);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    });

    public bool ResubscribesOnUnsubscribe => false;

    public Disconnect Describe(Disconnect disconnect) => disconnect.AsAdvice();

    private Command Read(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("message object expected");
        }

        var method = String(message, "method");
        var parameters = message.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var channel = parameters.ValueKind == JsonValueKind.Object ? String(parameters, "channel") : "";
        var command = new Command();
        if (message.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.String)
        {
            lock (gate)
            {
                command.Id = ++nextId;
                pending[command.Id] = new Pending(uid.GetString()!, method, channel);
            }
        }

        switch (method)
        {
            case "connect": command.Connect = new ConnectRequest { V1 = CredentialsOf(parameters) }; break;
            case "refresh": command.Refresh = new RefreshRequest { V1 = CredentialsOf(parameters) }; break;
            case "subscribe": command.Subscribe = Subscribe(parameters, channel); break;
            case "unsubscribe": command.Unsubscribe = new UnsubscribeRequest { Channel = channel }; break;
            case "publish": command.Publish = new PublishRequest { Channel = channel, Data = Raw(parameters, "data") }; break;
            case "presence": command.Presence = new PresenceRequest { Channel = channel }; break;
            // v1 history is all of it, newest first.
            case "history": command.History = new HistoryRequest { Channel = channel, Limit = -1, Reverse = true }; break;
            case "ping": command.Ping = new PingRequest(); break;
        }

        return command;
    }

    private static V1Credentials CredentialsOf(JsonElement parameters) => parameters.ValueKind != JsonValueKind.Object
        ? new V1Credentials("", "", "", "")
        : new V1Credentials(String(parameters, "user"), String(parameters, "timestamp"), String(parameters, "info"), String(parameters, "token"));

    private static SubscribeRequest Subscribe(JsonElement parameters, string channel)
    {
        var request = new SubscribeRequest { Channel = channel };
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return request;
        }

        if (parameters.TryGetProperty("recover", out var recover) && recover.ValueKind == JsonValueKind.True
            && ulong.TryParse(String(parameters, "last"), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            request.Recover = true;
            request.Offset = last;
        }

        if (String(parameters, "sign") is { Length: > 0 } sign)
        {
            request.V1 = new V1ChannelSign(String(parameters, "client"), String(parameters, "info"), sign);
        }

        return request;
    }

    private static void WriteBody(Utf8JsonWriter w, Reply reply, string? channel)
    {
        w.WriteStartObject();
        switch (reply)
        {
            case { Connect: { } r }: WriteSession(w, r.Client, r.Version, r.Expires, r.Ttl); break;
            case { Refresh: { } r }: WriteSession(w, r.Client, r.Version, r.Expires, r.Ttl); break;
            case { Subscribe: { } r }:
                w.WriteString("channel", channel);
                w.WriteBoolean("status", true);
                if (r.Epoch.Length > 0)
                {
                    w.WriteString("last", r.Offset.ToString(CultureInfo.InvariantCulture));
                }

                w.WriteStartArray("messages");
                foreach (var publication in r.Publications.Reverse())
                {
                    WriteMessage(w, channel ?? "", publication);
                }

                w.WriteEndArray();
                w.WriteBoolean("recovered", r.Recovered);
                break;
            case { Publish: not null }:
                w.WriteString("channel", channel);
                w.WriteBoolean("status", true);
                break;
            case { Presence: { } r }:
                w.WriteString("channel", channel);
                w.WriteStartObject("data");
                foreach (var (client, info) in r.Presence)
                {
                    w.WritePropertyName(client);
                    WriteInfo(w, info);
                }

                w.WriteEndObject();
                break;
            case { History: { } r }:
                w.WriteString("channel", channel);
                w.WriteStartArray("data");
                foreach (var publication in r.Publications)
                {
                    WriteMessage(w, channel ?? "", publication);
                }

                w.WriteEndArray();
                break;
            default:
                // unsubscribe, ping and errors: the channel, when the command named one.
                if (channel is { Length: > 0 })
                {
                    w.WriteString("channel", channel);
                }

                break;
        }

        w.WriteEndObject();
    }

    private static void WriteSession(Utf8JsonWriter w, string client, string version, bool expires, uint ttl)
    {
        w.WriteString("version", version);
        w.WriteString("client", client);
        w.WriteBoolean("expires", expires);
        w.WriteBoolean("expired", false);
        w.WriteNumber("ttl", ttl);
    }

    private static void WriteMessage(Utf8JsonWriter w, string channel, Publication publication)
    {
        w.WriteStartObject();
        w.WriteString("uid", publication.Offset.ToString(CultureInfo.InvariantCulture));
        w.WriteString("timestamp", (publication.Time / 1000).ToString(CultureInfo.InvariantCulture));
        w.WriteString("channel", channel);
        w.WritePropertyName("data");
        JsonReplyWriter.WriteStored(w, publication.Data.IsEmpty ? "null"u8 : publication.Data.Span);
        if (publication.Info is { } info)
        {
            w.WriteString("client", info.Client);
            w.WritePropertyName("info");
            WriteInfo(w, info);
        }

        w.WriteEndObject();
    }

    private static void WriteMembership(Utf8JsonWriter w, string method, string channel, ClientInfo? info)
    {
        w.WriteString("method", method);
        w.WriteStartObject("body");
        w.WriteString("channel", channel);
        w.WritePropertyName("data");
        if (info is null)
        {
            w.WriteNullValue();
        }
        else
        {
            WriteInfo(w, info);
        }

        w.WriteEndObject();
    }

    private static void WriteInfo(Utf8JsonWriter w, ClientInfo info)
    {
        w.WriteStartObject();
        w.WriteString("user", info.User);
        w.WriteString("client", info.Client);
        WriteRawOrNull(w, "default_info", info.ConnInfo);
        WriteRawOrNull(w, "channel_info", info.ChanInfo);
        w.WriteEndObject();
    }

    private static void WriteRawOrNull(Utf8JsonWriter w, string name, ByteString json)
    {
        w.WritePropertyName(name);
        JsonReplyWriter.WriteStored(w, json.IsEmpty ? "null"u8 : json.Span);
    }

    private static string String(JsonElement json, string name) =>
        !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? ""
        : value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException(name + ": string expected");

    private static ByteString Raw(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? UnsafeByteOperations.UnsafeWrap(JsonMarshal.GetRawUtf8Value(value).ToArray())
            : ByteString.Empty;
}
