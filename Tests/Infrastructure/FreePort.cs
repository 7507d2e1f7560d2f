using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>
    /// A loopback port nobody listens on right now, drawn below Linux's ephemeral range (32768 on): a port the kernel
    /// hands out for port 0 is also what it gives outgoing connections, which on a busy machine took it between this
    /// check and the test's bind ("address already in use"). 20000-29999 also avoids Orleans' default ports.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            var port = Random.Shared.Next(20000, 30000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
