using System.Buffers;
using System.Text;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Transport;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The upgrade head the direct accept takes: the plain form is read (parsed in place), everything else is left to
/// Kestrel's path; the 101 is the RFC's.
/// </summary>
public sealed class UpgradeHeadTests
{
    /// <summary>RFC 6455 1.3's sample nonce and its accept value.</summary>
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Head(string target = "/connection/websocket", string fields = "") =>
        $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n{fields}\r\n";

    private static UpgradeHead? Read(string head) =>
        UpgradeHead.Read(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(head)), out _);

    [Fact]
    public void APlainHeadIsReadAndAnsweredAsTheRfcSays()
    {
        var bytes = Encoding.Latin1.GetBytes(Head() + "\x81\x80");
        var head = UpgradeHead.Read(new ReadOnlySequence<byte>(bytes), out var end);
        Assert.NotNull(head);
        Assert.Equal(Key, head.Key);
        Assert.Equal("127.0.0.1:8000", head.Host);
        Assert.Null(head.Origin);
        Assert.Empty(head.Subprotocols);
        Assert.False(head.FormatProtobuf);
        Assert.Equal(bytes.Length - 2, end.GetInteger());

        var response = new ArrayBufferWriter<byte>();
        head.WriteResponse(response, ClientCodecs.JsonSubprotocol);
        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: centrifuge-json\r\n\r\n",
            Encoding.ASCII.GetString(response.WrittenSpan));
        response.Clear();
        head.WriteResponse(response, null);
        Assert.DoesNotContain("Sec-WebSocket-Protocol", Encoding.ASCII.GetString(response.WrittenSpan), StringComparison.Ordinal);
    }

    [Fact]
    public void FieldsAreReadWhateverTheirCaseAndSpacing()
    {
        var head = Read($"GET /connection/websocket?x=1&Format=protobuf HTTP/1.1\r\nhost:h.example\r\nORIGIN: \thttp://h.example \r\nconnection: keep-alive, Upgrade\r\nupgrade: WebSocket\r\nsec-websocket-version: 13\r\nsec-websocket-key:{Key}\r\nSec-WebSocket-Protocol: centrifuge-protobuf , ,mqtt\r\nSec-WebSocket-Protocol: centrifuge-json\r\n\r\n");
        Assert.NotNull(head);
        Assert.Equal("h.example", head.Host);
        Assert.Equal("http://h.example", head.Origin);
        Assert.Equal([ClientCodecs.ProtobufSubprotocol, "mqtt", ClientCodecs.JsonSubprotocol], head.Subprotocols);
        Assert.Same(ClientCodecs.ProtobufSubprotocol, head.Subprotocols[0]);
        Assert.True(head.FormatProtobuf);
    }

    [Theory]
    [InlineData("?format=protobuf", true)]
    [InlineData("?FORMAT=protobuf&a", true)]
    [InlineData("?format=json", false)]
    [InlineData("?format=protobuf&format=protobuf", false)]
    [InlineData("?format", false)]
    [InlineData("?formats=protobuf", false)]
    [InlineData("?", false)]
    public void TheQuerySaysProtobufOnlyWithOneFormatParameter(string query, bool protobuf) =>
        Assert.Equal(protobuf, Read(Head("/connection/websocket" + query))!.FormatProtobuf);

    public static TheoryData<string, string> NotPlain() => new()
    {
        { "another path", Head("/connection/websocketx") },
        { "an escape in the target", Head("/connection/websocket?a=%41") },
        { "a fragment", Head("/connection/websocket#a") },
        { "HTTP/1.0", Head().Replace("HTTP/1.1", "HTTP/1.0", StringComparison.Ordinal) },
        { "a lone LF in a field", Head(fields: "X-A: b\nc\r\n") },
        { "a lone CR in a field", Head(fields: "X-A: b\rc\r\n") },
        { "a folded field", Head(fields: "X-A: b\r\n c\r\n") },
        { "a name that is not a token", Head(fields: "X(A): b\r\n") },
        { "a line without a colon", Head(fields: "X-A\r\n") },
        { "a byte that is not printable ASCII", Head(fields: "X-A: \u00e9\r\n") },
        { "two Host fields", Head(fields: "Host: other\r\n") },
        { "a host in other characters", Head().Replace("Host: 127.0.0.1:8000", "Host: a/b", StringComparison.Ordinal) },
        { "no Host", Head().Replace("Host: 127.0.0.1:8000\r\n", "", StringComparison.Ordinal) },
        { "a second Upgrade", Head(fields: "Upgrade: websocket\r\n") },
        { "a second Origin", Head(fields: "Origin: http://a\r\nOrigin: http://a\r\n") },
        { "a second key", Head(fields: $"Sec-WebSocket-Key: {Key}\r\n") },
        { "a second version", Head(fields: "Sec-WebSocket-Version: 13\r\n") },
        { "a body length", Head(fields: "Content-Length: 0\r\n") },
        { "a transfer encoding", Head(fields: "Transfer-Encoding: chunked\r\n") },
        { "no upgrade in Connection", Head().Replace("Connection: Upgrade", "Connection: keep-alive", StringComparison.Ordinal) },
        { "another Upgrade", Head().Replace("Upgrade: websocket", "Upgrade: h2c", StringComparison.Ordinal) },
        { "version 8", Head().Replace("Version: 13", "Version: 8", StringComparison.Ordinal) },
        { "a key of 15 bytes", Head().Replace(Key, "dGhlIHNhbXBsZSBub25jZQ", StringComparison.Ordinal) },
        { "a key that is not base64", Head().Replace(Key, "dGhlIHNhbXBsZSBub25j*Q==", StringComparison.Ordinal) },
        { "over 100 fields", Head(fields: string.Concat(Enumerable.Repeat("X-A: b\r\n", 96))) },
        { "longer than 4 KB", Head(fields: $"Cookie: {new string('c', 4096)}\r\n") },
        { "not complete", Head()[..^2] },
    };

    [Theory]
    [MemberData(nameof(NotPlain))]
    public void AHeadNotInThePlainFormIsLeftToKestrel(string what, string head) => Assert.True(Read(head) is null, what);

    [Fact]
    public void OneHundredFieldsAreStillPlain() =>
        Assert.NotNull(Read(Head(fields: string.Concat(Enumerable.Repeat("X-A: b\r\n", 95)))));
}
