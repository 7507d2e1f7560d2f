using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Switchboard.ApiGateway.Centrifugo.Api.Grpc.Messages;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// The gRPC server API (<c>--grpc_api</c>) under the limits of the HTTP generations: nothing of a request without the
/// key is read, a message is at most <c>api_max_body_size</c>, a batch at most <c>api_batch_max_commands</c>, and a
/// message arrives whole within <c>request_body_timeout</c>.
/// </summary>
public sealed class HostileGrpcApiTests(HostileGrpcApiTests.Fixture fixture) : IClassFixture<HostileGrpcApiTests.Fixture>
{
    private const string Key = "hostile-grpc-key";
    private const int MaxBodySize = 64 * 1024;
    private const int BodyTimeoutSeconds = 3;

    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public GrpcChannel Channel { get; private set; } = null!;

        public Uri Address { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var port = FreePort.Next();
            Gateway = await GatewayHost.StartAsync(extraArgs:
                ["--grpc_api", "--grpc_api_port", port.ToString(CultureInfo.InvariantCulture), "--api_key", Key, "--api_max_body_size", MaxBodySize.ToString(CultureInfo.InvariantCulture),
                 "--request_body_timeout", BodyTimeoutSeconds.ToString(CultureInfo.InvariantCulture)]);
            // The client's own limit is lifted so that the server's is the one met.
            Address = new Uri($"http://localhost:{port}");
            Channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxSendMessageSize = null });
        }

        public async Task DisposeAsync()
        {
            Channel.Dispose();
            await Gateway.DisposeAsync();
        }
    }

    private CentrifugoApi.CentrifugoApiClient Api => new(fixture.Channel);

    private static Metadata Auth => new() { { "authorization", "apikey " + Key } };

    [Theory]
    [InlineData(null)]
    [InlineData("apikey wrong")]
    public async Task ARequestWithoutTheKeyIsRefusedBeforeItsMessageIsRead(string? authorization)
    {
        // Over gRPC's own 4 MB limit: a server that read the message first would answer RESOURCE_EXHAUSTED.
        var headers = authorization is null ? new Metadata() : new Metadata { { "authorization", authorization } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Api.PublishAsync(Publish("chat:grpc-nokey", 5 * 1024 * 1024), headers));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task AMessageOverApiMaxBodySizeIsRefused()
    {
        var channel = "chat:grpc-big-" + Guid.NewGuid().ToString("N")[..6];
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Api.PublishAsync(Publish(channel, MaxBodySize + 1024), Auth));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);

        Assert.Null((await Api.PublishAsync(Publish(channel, MaxBodySize - 1024), Auth)).Error);
        Assert.Single((await Api.HistoryAsync(new HistoryRequest { Channel = channel, Limit = -1 }, Auth)).Result.Publications);
    }

    [Fact]
    public async Task ABatchOverApiBatchMaxCommandsIsRefusedBeforeAnyCommandRuns()
    {
        var channel = "chat:grpc-batch-" + Guid.NewGuid().ToString("N")[..6];
        var batch = new BatchRequest { Parallel = true };
        batch.Commands.Add(Enumerable.Range(0, 1001).Select(_ => new Command { Publish = Publish(channel, 2) }));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Api.BatchAsync(batch, Auth));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Empty((await Api.HistoryAsync(new HistoryRequest { Channel = channel, Limit = -1 }, Auth)).Result.Publications);

        batch.Commands.RemoveAt(0);
        var replies = (await Api.BatchAsync(batch, Auth)).Replies;
        Assert.Equal(1000, replies.Count);
        Assert.All(replies, reply => Assert.Null(reply.Error));
    }

    /// <summary>A broadcast publishes to each of its channels: they count against <c>api_batch_max_commands</c> alone and in a batch.</summary>
    [Fact]
    public async Task ABroadcastCountsItsChannelsAgainstApiBatchMaxCommands()
    {
        var prefix = "chat:grpc-fan-" + Guid.NewGuid().ToString("N")[..6] + "-";
        BroadcastRequest Broadcast(int channels)
        {
            var request = new BroadcastRequest { Data = ByteString.CopyFromUtf8("1") };
            request.Channels.Add(Enumerable.Range(0, channels).Select(i => prefix + i));
            return request;
        }

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Api.BroadcastAsync(Broadcast(1001), Auth));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var batch = new BatchRequest { Parallel = true };
        batch.Commands.Add(Enumerable.Range(0, 2).Select(_ => new Command { Broadcast = Broadcast(600) }));
        refused = await Assert.ThrowsAsync<RpcException>(async () => await Api.BatchAsync(batch, Auth));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Empty((await Api.HistoryAsync(new HistoryRequest { Channel = prefix + 0, Limit = -1 }, Auth)).Result.Publications);

        var broadcast = await Api.BroadcastAsync(Broadcast(1000), Auth);
        Assert.Null(broadcast.Error);
        Assert.Equal(1000, broadcast.Result.Responses.Count);
        Assert.Single((await Api.HistoryAsync(new HistoryRequest { Channel = prefix + 999, Limit = -1 }, Auth)).Result.Publications);
    }

    /// <summary>
    /// A message sent at 300 B/s, above Kestrel's minimum rate, whole in 60 s: it is cut at the deadline (the port had
    /// only the rate and the size bound, so a key holder's 1 MiB took an hour), and nothing of it is published.
    /// </summary>
    [Fact]
    public async Task AMessageTrickledPastRequestBodyTimeoutIsCutAndNotPublished()
    {
        var channel = "chat:grpc-slow-" + Guid.NewGuid().ToString("N")[..6];
        var message = Publish(channel, 18_000).ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);

        var trickle = new TrickledContent(frame, bytesPerSecond: 300);
        trickle.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Address, "/centrifugal.centrifugo.api.CentrifugoApi/Publish"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = trickle,
        };
        request.Headers.TryAddWithoutValidation("authorization", "apikey " + Key);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // The server resets the stream while the body is still being sent.
        string outcome;
        try
        {
            using var response = await http.SendAsync(request, limit.Token);
            await response.Content.ReadAsByteArrayAsync(limit.Token);
            response.TrailingHeaders.TryGetValues("grpc-status", out var status);
            outcome = $"answered {response.StatusCode}, grpc-status {string.Join(",", status ?? [])}";
        }
        catch (HttpRequestException e)
        {
            outcome = "reset: " + e.Message;
        }

        Assert.StartsWith("reset", outcome, StringComparison.Ordinal);
        Assert.False(limit.IsCancellationRequested, "the call was still open after 90 s");
        Assert.True(trickle.Sent < frame.Length, $"the whole message was sent ({trickle.Sent} bytes)");
        Assert.Empty((await Api.HistoryAsync(new HistoryRequest { Channel = channel, Limit = -1 }, Auth)).Result.Publications);
    }

    /// <summary>A request body written <paramref name="bytesPerSecond"/> bytes at a time, one write a second.</summary>
    private sealed class TrickledContent(byte[] body, int bytesPerSecond) : HttpContent
    {
        public int Sent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            while (Sent < body.Length)
            {
                var piece = Math.Min(bytesPerSecond, body.Length - Sent);
                await stream.WriteAsync(body.AsMemory(Sent, piece));
                await stream.FlushAsync();
                Sent += piece;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A publication whose JSON data is a string of about <paramref name="size"/> bytes.</summary>
    private static PublishRequest Publish(string channel, int size) =>
        new() { Channel = channel, Data = ByteString.CopyFrom(Encoding.UTF8.GetBytes("\"" + new string('x', Math.Max(0, size - 2)) + "\"")) };
}
