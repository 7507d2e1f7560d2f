using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// Reads JSON commands into wire messages, for both JSON generations: v3+ names the request
/// (<c>{"id":1,"subscribe":{...}}</c>), v2 numbers it (<c>{"id":1,"method":1,"params":{...}}</c>).
/// Payloads (<c>data</c>) stay raw JSON. A value of the wrong type throws <see cref="JsonException"/>.
/// </summary>
internal static class JsonCommandReader
{
    public static Command Read(JsonElement json)
    {
        var command = new Command();
        foreach (var property in Object(json).EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "id": command.Id = UInt32(value); break;
                case "connect": command.Connect = Connect(value); break;
                case "subscribe": command.Subscribe = Subscribe(value); break;
                case "unsubscribe": command.Unsubscribe = new UnsubscribeRequest { Channel = String(value, "channel") }; break;
                case "publish": command.Publish = Publish(value); break;
                case "presence": command.Presence = new PresenceRequest { Channel = String(value, "channel") }; break;
                case "presence_stats": command.PresenceStats = new PresenceStatsRequest { Channel = String(value, "channel") }; break;
                case "history": command.History = History(value); break;
                case "ping": command.Ping = new PingRequest(); break;
                case "send": command.Send = new SendRequest { Data = Raw(value, "data") }; break;
                case "rpc": command.Rpc = new RpcRequest { Method = String(value, "method"), Data = Raw(value, "data") }; break;
                case "refresh": command.Refresh = new RefreshRequest { Token = String(value, "token") }; break;
                case "sub_refresh": command.SubRefresh = new SubRefreshRequest { Channel = String(value, "channel"), Token = String(value, "token") }; break;
            }
        }

        return command;
    }

    /// <summary>A v2 command: the method number names the request its <c>params</c> hold.</summary>
    public static Command ReadV2(JsonElement json)
    {
        var command = new Command();
        var method = V2Command.Types.MethodType.Connect;
        var parameters = default(JsonElement);
        foreach (var property in Object(json).EnumerateObject())
        {
            switch (property.Name)
            {
                case "id": command.Id = UInt32(property.Value); break;
                case "method": method = (V2Command.Types.MethodType)UInt32(property.Value); break;
                case "params": parameters = property.Value; break;
            }
        }

        var body = parameters.ValueKind == JsonValueKind.Undefined ? EmptyObject : parameters;
        switch (method)
        {
            case V2Command.Types.MethodType.Connect: command.Connect = Connect(body); break;
            case V2Command.Types.MethodType.Subscribe: command.Subscribe = Subscribe(body); break;
            case V2Command.Types.MethodType.Unsubscribe: command.Unsubscribe = new UnsubscribeRequest { Channel = String(body, "channel") }; break;
            case V2Command.Types.MethodType.Publish: command.Publish = Publish(body); break;
            case V2Command.Types.MethodType.Presence: command.Presence = new PresenceRequest { Channel = String(body, "channel") }; break;
            case V2Command.Types.MethodType.PresenceStats: command.PresenceStats = new PresenceStatsRequest { Channel = String(body, "channel") }; break;
            case V2Command.Types.MethodType.History: command.History = History(body); break;
            case V2Command.Types.MethodType.Ping: command.Ping = new PingRequest(); break;
            case V2Command.Types.MethodType.Send: command.Send = new SendRequest { Data = Raw(body, "data") }; break;
            case V2Command.Types.MethodType.Rpc: command.Rpc = new RpcRequest { Method = String(body, "method"), Data = Raw(body, "data") }; break;
            case V2Command.Types.MethodType.Refresh: command.Refresh = new RefreshRequest { Token = String(body, "token") }; break;
            case V2Command.Types.MethodType.SubRefresh: command.SubRefresh = new SubRefreshRequest { Channel = String(body, "channel"), Token = String(body, "token") }; break;
        }

        return command;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static ConnectRequest Connect(JsonElement json)
    {
        var request = new ConnectRequest { Token = String(json, "token"), Data = Raw(json, "data"), Name = String(json, "name"), Version = String(json, "version") };
        if (json.TryGetProperty("subs", out var subs) && subs.ValueKind != JsonValueKind.Null)
        {
            foreach (var sub in Object(subs).EnumerateObject())
            {
                request.Subs[sub.Name] = Subscribe(sub.Value);
            }
        }

        return request;
    }

    private static SubscribeRequest Subscribe(JsonElement json) => new()
    {
        Channel = String(json, "channel"),
        Token = String(json, "token"),
        Recover = Boolean(json, "recover"),
        Epoch = String(json, "epoch"),
        Offset = UInt64(json, "offset"),
        Data = Raw(json, "data"),
        Positioned = Boolean(json, "positioned"),
        Recoverable = Boolean(json, "recoverable"),
        JoinLeave = Boolean(json, "join_leave"),
        Flag = Int64(json, "flag"),
    };

    private static PublishRequest Publish(JsonElement json) => new() { Channel = String(json, "channel"), Data = Raw(json, "data") };

    private static HistoryRequest History(JsonElement json)
    {
        var request = new HistoryRequest { Channel = String(json, "channel"), Limit = (int)Int64(json, "limit"), Reverse = Boolean(json, "reverse") };
        if (json.TryGetProperty("since", out var since) && since.ValueKind != JsonValueKind.Null)
        {
            request.Since = new StreamPosition { Offset = UInt64(since, "offset"), Epoch = String(since, "epoch") };
        }

        return request;
    }

    private static JsonElement Object(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object ? json : throw new JsonException("object expected");

    private static bool Present(JsonElement json, string name, out JsonElement value) =>
        Object(json).TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string String(JsonElement json, string name) =>
        !Present(json, name, out var value) ? "" : value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException(name + ": string expected");

    private static bool Boolean(JsonElement json, string name) =>
        Present(json, name, out var value) && (value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw new JsonException(name + ": boolean expected"));

    private static ulong UInt64(JsonElement json, string name) =>
        !Present(json, name, out var value) ? 0 : value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number) ? number : throw new JsonException(name + ": unsigned integer expected");

    private static long Int64(JsonElement json, string name) =>
        !Present(json, name, out var value) ? 0 : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : throw new JsonException(name + ": integer expected");

    private static uint UInt32(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var number) ? number : throw new JsonException("unsigned integer expected");

    /// <summary>A payload as the raw JSON it was sent as (empty when absent or null).</summary>
    private static ByteString Raw(JsonElement json, string name) =>
        Present(json, name, out var value) ? UnsafeByteOperations.UnsafeWrap(JsonMarshal.GetRawUtf8Value(value).ToArray()) : ByteString.Empty;
}
