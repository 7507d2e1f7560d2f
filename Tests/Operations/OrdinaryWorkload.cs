using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// An ordinary stretch of traffic, with the client misbehaviour every public server sees: publishes, WebSocket
/// clients that leave properly and ones that just vanish, webhook conversations, requests whose client hangs up
/// half-way through its body, and malformed requests. None of it is a server problem.
/// </summary>
public static class OrdinaryWorkload
{
    public const string Token = "ordinary-token";

    public static IReadOnlyList<string> GatewayArgs(ClusterConfig config) =>
        [.. config.GatewayArgs, "--enable-api", "--auth-token", Token, "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml")];

    public static async Task Run(GatewayProcess gateway, int conversations = 200)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var ws = gateway.WebSocketUrl;
        using var api = new ClusterApi(gateway);
        await Eventually.Until(async () => (await http.GetAsync($"/status?token={Token}")).IsSuccessStatusCode, () => gateway.Process.Output, tolerateConnectionErrors: true);

        var clients = new List<ProtocolClient>();
        for (var i = 0; i < 20; i++)
        {
            var (client, _) = await ProtocolClient.Connect(ws, GatewayHost.Token($"user-{i}", secret: ClusterConfig.Secret));
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe($"chat:ordinary-{i % 5}")));
            clients.Add(client);
        }

        for (var n = 0; n < 50; n++)
        {
            await api.Command("publish", new { channel = $"chat:ordinary-{n % 5}", data = new { n } });
        }

        await Task.WhenAll(Enumerable.Range(0, conversations).Select(async i =>
        {
            using var response = await http.PostAsJsonAsync("/webhooks/rest/webhook", new { sender = $"ordinary-{i}", message = "/greet" });
            response.EnsureSuccessStatusCode();
        }));

        // Half the clients leave with a close frame, half vanish (no close frame, the socket just drops).
        for (var i = 0; i < clients.Count; i++)
        {
            if (i % 2 == 0)
            {
                await clients[i].DisposeAsync();
            }
        }

        foreach (var _ in Enumerable.Range(0, 10))
        {
            using var raw = new ClientWebSocket();
            await raw.ConnectAsync(ws, CancellationToken.None);
            var connect = new JsonObject { ["id"] = 1, ["connect"] = new JsonObject { ["token"] = GatewayHost.Token("vanishing", secret: ClusterConfig.Secret) } };
            await raw.SendAsync(Encoding.UTF8.GetBytes(connect.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
            await raw.ReceiveAsync(new byte[4096], CancellationToken.None);
            raw.Abort();
        }

        // Bodies cut short by a client that hangs up, on the server API, the webhook and the socket endpoint.
        foreach (var path in new[] { "/api/", "/webhooks/rest/webhook", "/conversations/x/messages?token=" + Token })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", gateway.HttpPort);
            var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{\"method\":";
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
            await Task.Delay(200);
            tcp.Client.Close(0);
        }

        // Malformed requests get their 4xx.
        using (var bad = await http.PostAsync("/webhooks/rest/webhook", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.InRange((int)bad.StatusCode, 400, 499);
        }

        // The rest vanish too, then the server has a moment to notice.
        foreach (var client in clients.Where((_, i) => i % 2 == 1))
        {
            client.Abort();
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }
}
