using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A server and a client WebSocket over one loopback TCP connection.</summary>
public sealed class WebSocketPair : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly TcpClient clientTcp;
    private readonly TcpClient serverTcp;

    private WebSocketPair(TcpListener listener, TcpClient clientTcp, TcpClient serverTcp)
    {
        this.listener = listener;
        this.clientTcp = clientTcp;
        this.serverTcp = serverTcp;
        Server = WebSocket.CreateFromStream(serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true });
        Client = WebSocket.CreateFromStream(clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public WebSocket Server { get; }

    public WebSocket Client { get; }

    public static async Task<WebSocketPair> Open()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientTcp = new TcpClient();
        await clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        return new WebSocketPair(listener, clientTcp, await listener.AcceptTcpClientAsync());
    }

    public ValueTask DisposeAsync()
    {
        Server.Dispose();
        Client.Dispose();
        serverTcp.Dispose();
        clientTcp.Dispose();
        listener.Stop();
        listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
