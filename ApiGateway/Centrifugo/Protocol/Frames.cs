using System.Buffers;
using System.Text.Json;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Writes the server's frames. Payloads (<c>data</c>, <c>info</c>) are raw JSON copied as they are; pushes are
/// written once per node and the same bytes are queued to every subscriber.
/// </summary>
public static class Frames
{
    /// <summary>A server ping: the empty frame.</summary>
    public static readonly byte[] Ping = "{}"u8.ToArray();

    public static byte[] Reply(uint id, string method, Action<Utf8JsonWriter> writeResult) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteStartObject(method);
        writeResult(w);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] EmptyReply(uint id, string method) => Reply(id, method, static _ => { });

    public static byte[] Error(uint id, ClientError error) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Code);
        w.WriteString("message", error.Message);
        if (error.Temporary)
        {
            w.WriteBoolean("temporary", true);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] PublicationPush(string channel, Publication publication) => Push(channel, "pub", w => WritePublicationFields(w, publication));

    public static byte[] JoinPush(string channel, ClientInfo client) => Push(channel, "join", w => WriteClientInfo(w, "info", client));

    public static byte[] LeavePush(string channel, ClientInfo client) => Push(channel, "leave", w => WriteClientInfo(w, "info", client));

    /// <summary>Server-side subscribe: the client adds the channel to its server-side subscriptions.</summary>
    public static byte[] SubscribePush(string channel, Action<Utf8JsonWriter> writeResult) => Push(channel, "subscribe", writeResult);

    /// <summary>Server-side unsubscribe: with a code below 2500 the client does not resubscribe.</summary>
    public static byte[] UnsubscribePush(string channel, UnsubscribeReason reason) => Push(channel, "unsubscribe", w =>
    {
        w.WriteNumber("code", reason.Code);
        w.WriteString("reason", reason.Reason);
    });

    /// <summary>The <c>expires</c>/<c>ttl</c> of connect, subscribe, refresh and sub_refresh results: seconds left of a token with <c>exp</c>.</summary>
    public static void WriteExpiry(Utf8JsonWriter w, long expiresAt, long now)
    {
        if (expiresAt > 0)
        {
            w.WriteBoolean("expires", true);
            w.WriteNumber("ttl", Math.Max(1, expiresAt - now));
        }
    }

    public static void WritePublication(Utf8JsonWriter w, Publication publication)
    {
        w.WriteStartObject();
        WritePublicationFields(w, publication);
        w.WriteEndObject();
    }

    private static void WritePublicationFields(Utf8JsonWriter w, Publication publication)
    {
        w.WritePropertyName("data");
        w.WriteRawValue(publication.Data, skipInputValidation: true);
        if (publication.Info is { } info)
        {
            WriteClientInfo(w, "info", info);
        }

        if (publication.Offset > 0)
        {
            w.WriteNumber("offset", publication.Offset);
        }
    }

    public static void WriteClientInfo(Utf8JsonWriter w, string property, ClientInfo client)
    {
        w.WriteStartObject(property);
        w.WriteString("user", client.User);
        w.WriteString("client", client.Client);
        if (client.ConnInfo is { Length: > 0 } connInfo)
        {
            w.WritePropertyName("conn_info");
            w.WriteRawValue(connInfo, skipInputValidation: true);
        }

        if (client.ChanInfo is { Length: > 0 } chanInfo)
        {
            w.WritePropertyName("chan_info");
            w.WriteRawValue(chanInfo, skipInputValidation: true);
        }

        w.WriteEndObject();
    }

    public static void WritePublications(Utf8JsonWriter w, IReadOnlyList<Publication> publications)
    {
        w.WriteStartArray("publications");
        foreach (var publication in publications)
        {
            WritePublication(w, publication);
        }

        w.WriteEndArray();
    }

    private static byte[] Push(string channel, string kind, Action<Utf8JsonWriter> writeBody) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("push");
        w.WriteString("channel", channel);
        w.WriteStartObject(kind);
        writeBody(w);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    internal static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
