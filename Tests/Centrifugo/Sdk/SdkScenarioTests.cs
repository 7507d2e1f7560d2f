using System.Text.Json;
using Switchboard.Tests.Cluster;

namespace Switchboard.Tests.Centrifugo.Sdk;

/// <summary>
/// Every generation of the official <c>centrifuge</c> npm SDK (Tests/js, pinned), in each of its protocols and
/// transports (5.x also over HTTP-streaming and SSE, with its commands posted to the other gateway), runs the same scenario (Tests/js/sdk-scenario.mjs) against two gateways of a Redis cluster,
/// with a publication from each server API generation (v1 publishes the scenario's messages, v6 disconnects).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SdkScenarioTests(SdkClusterFixture fixture) : IClassFixture<SdkClusterFixture>
{
    /// <summary>The server API generations every run publishes through (v1 for the scenario's messages, v6 disconnects).</summary>
    private static readonly string[] ServerApis = ["v1", "v2", "v3", "v4", "v5", "v6"];

    /// <summary>SDK major, protocol, transport.</summary>
    public static readonly (string Sdk, string Protocol, string Transport)[] Clients =
    [
        ("5", "json", "websocket"), ("5", "protobuf", "websocket"),
        ("4", "json", "websocket"), ("4", "protobuf", "websocket"),
        ("3", "json", "websocket"), ("3", "protobuf", "websocket"),
        ("2", "json", "websocket"), ("2", "protobuf", "websocket"),
        ("1", "json", "websocket"),
        ("5", "json", "http_stream"), ("5", "protobuf", "http_stream"), ("5", "json", "sse"),
    ];

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (sdk, protocol, transport) in Clients)
        {
            data.Add(sdk, protocol, transport);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task TheSdkRunsTheWholeScenarioAcrossGateways(string sdk, string protocol, string transport)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var user = $"sdk{sdk}-{suffix}";
        var channel = $"chat:sdk{sdk}-{protocol}-{suffix}";
        var steps = await CentrifugeJsClientTests.RunScript("sdk-scenario.mjs", new Dictionary<string, string>
        {
            ["SDK"] = sdk,
            ["PROTOCOL"] = protocol,
            ["TRANSPORT"] = transport,
            ["WS_URL"] = fixture.A.WebSocketUrl.ToString(),
            ["EMULATION_URL"] = fixture.B.BaseUrl.ToString(),
            ["API_URL"] = fixture.B.BaseUrl.ToString(),
            ["API"] = string.Join(',', ServerApis),
            ["SECRET"] = SdkClusterFixture.Secret,
            ["API_KEY"] = SdkClusterFixture.ApiKey,
            ["USER"] = user,
            ["CHANNEL"] = channel,
            ["PRIVATE_CHANNEL"] = "$" + channel,
        });

        var connected = steps["connected"];
        Assert.True(Guid.TryParse(connected.GetProperty("client").GetString(), out _));
        if (transport == "websocket")
        {
            Assert.Equal(protocol == "protobuf" ? "centrifuge-protobuf" : "", connected.GetProperty("subprotocol").GetString());
        }
        else
        {
            // The stream is on gateway A and the commands went to gateway B's emulation endpoint.
            Assert.Equal(transport, connected.GetProperty("transport").GetString());
            if (transport == "http_stream")
            {
                Assert.Equal(protocol == "protobuf" ? "application/octet-stream" : "application/json", connected.GetProperty("streamType").GetString());
            }
        }

        Assert.Equal(1, steps["publication"].GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal([user], steps["presence"].GetProperty("users").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(1, steps["presence-stats"].GetProperty("numClients").GetInt32());
        Assert.Equal(1, steps["presence-stats"].GetProperty("numUsers").GetInt32());
        Assert.Equal(1, Assert.Single(steps["history"].GetProperty("data").EnumerateArray()).GetProperty("n").GetInt32());
        Assert.True(steps["private"].GetProperty("data").GetProperty("secret").GetBoolean());
        Assert.Equal(ServerApis, steps["generations"].GetProperty("received").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(user, steps["client-publish"].GetProperty("data").GetProperty("user").GetString());

        var recovered = steps["recovered"];
        Assert.True(recovered.GetProperty("recovered").GetBoolean());
        Assert.Equal([2, 3], recovered.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("n").GetInt32()));

        var disconnected = steps["disconnected"];
        Assert.Equal("disconnected", disconnected.GetProperty("state").GetString());
        if (sdk is "1" or "2")
        {
            // These generations learn the code's meaning from the JSON advice in the close reason.
            Assert.False(disconnected.GetProperty("reconnect").GetBoolean());
        }
        else
        {
            Assert.True(steps["subscribed"].GetProperty("recoverable").GetBoolean());
            Assert.True(recovered.GetProperty("wasRecovering").GetBoolean());
            Assert.Equal(1, steps["history"].GetProperty("offset").GetInt64());
            Assert.Equal(3503, disconnected.GetProperty("code").GetInt32());
        }
    }
}
