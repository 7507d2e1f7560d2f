using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The emulation endpoint and the streams as anonymous, untrusted surfaces: every bad request gets a clear status.</summary>
public sealed class EmulationEndpointTests(EmulationEndpointTests.Fixture fixture) : IClassFixture<EmulationEndpointTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public RegistryLookups Lookups { get; } = new();

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync(configure: b => b.Services.AddSingleton<IIncomingGrainCallFilter>(Lookups));

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private HttpClient Http => fixture.Gateway.Http;

    private async Task<HttpStatusCode> Post(string path, byte[] body, string contentType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await Http.PostAsync(path, content);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"node":"x"}""")]
    [InlineData("""{"node":1,"session":"s","data":"{}"}""")]
    [InlineData("[]")]
    public async Task MalformedEmulationRequestsGet400(string body) =>
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/emulation", Encoding.UTF8.GetBytes(body), "application/json"));

    [Fact]
    public async Task OversizedBodiesGet413()
    {
        var huge = JsonSerializer.SerializeToUtf8Bytes(new { node = "n", session = "s", data = new string('x', 100_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post("/emulation", huge, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/connection/http_stream", huge, "application/json"));
    }

    [Fact]
    public async Task UnknownNodesGet404AndUnknownSessionsOfAKnownNode204()
    {
        var unknownNode = new EmulationRequest { Node = "no-such-node", Session = "s", Data = ByteString.CopyFromUtf8("""{"id":2,"ping":{}}""") };
        Assert.Equal(HttpStatusCode.NotFound, await Post("/emulation", unknownNode.ToByteArray(), "application/octet-stream"));

        // A real stream tells the node id (and a session id the test does not use).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { id = 1, connect = new { token = GatewayHost.Token("emu") } }), Encoding.UTF8, "application/json"),
        };
        using var stream = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        var connect = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement.GetProperty("connect");
        var node = connect.GetProperty("node").GetString()!;
        Assert.Equal(32, connect.GetProperty("session").GetString()!.Length);

        const string ping = """{"id":2,"ping":{}}""";
        var guessed = JsonSerializer.SerializeToUtf8Bytes(new { node, session = Guid.NewGuid().ToString("N"), data = ping });
        Assert.Equal(HttpStatusCode.NoContent, await Post("/emulation", guessed, "application/json"));
        var owned = JsonSerializer.SerializeToUtf8Bytes(new { node, session = connect.GetProperty("session").GetString(), data = ping });
        Assert.Equal(HttpStatusCode.OK, await Post("/emulation", owned, "application/json"));
        Assert.Equal("""{"id":2,"ping":{}}""", await reader.ReadLineAsync());
    }

    /// <summary>
    /// The endpoint is anonymous and the registry one grain for the whole cluster: made-up node ids cost the registry at
    /// most one read per <see cref="EmulationRouter.LookupPeriod"/>, not one per post (before: 300 reads for 300 posts).
    /// </summary>
    [Fact]
    public async Task AFloodOfUnknownNodesReadsTheRegistryAtMostOncePerLookupPeriod()
    {
        const int posts = 300;
        var before = fixture.Lookups.Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < posts; i++)
        {
            var request = new EmulationRequest { Node = Guid.NewGuid().ToString("N"), Session = "s", Data = ByteString.CopyFromUtf8("""{"id":2,"ping":{}}""") };
            Assert.Equal(HttpStatusCode.NotFound, await Post("/emulation", request.ToByteArray(), "application/octet-stream"));
        }

        // A read may start at the flood's start and once in each whole period after it.
        var allowed = (int)(clock.Elapsed / EmulationRouter.LookupPeriod) + 1;
        var reads = fixture.Lookups.Count - before;
        Assert.True(reads <= allowed, $"{reads} registry reads for {posts} posts in {clock.Elapsed}, at most {allowed} expected");
    }

    [Fact]
    public async Task AStreamWithoutAConnectCommandGets400AndAGarbageOneIsClosedWithADisconnectPush()
    {
        Assert.Equal(HttpStatusCode.BadRequest, await Post("/connection/http_stream", [], "application/json"));
        using var sse = await Http.GetAsync("/connection/sse");
        Assert.Equal(HttpStatusCode.BadRequest, sse.StatusCode);

        using var garbage = new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream") { Content = new StringContent("""{"hello":1}""", Encoding.UTF8, "application/json") };
        using var response = await Http.SendAsync(garbage);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":3501", body, StringComparison.Ordinal);
    }

    /// <summary>Counts the node registry's observer reads (the calls the emulation endpoint makes).</summary>
    public sealed class RegistryLookups : IIncomingGrainCallFilter
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(INodeRegistryGrain) && context.InterfaceMethod.Name == nameof(INodeRegistryGrain.GetObservers))
            {
                Interlocked.Increment(ref count);
            }

            return context.Invoke();
        }
    }
}
