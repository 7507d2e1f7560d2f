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
    public static int Next() => Next(20000, 30000, 0);

    /// <summary>
    /// A free port whose port + <paramref name="offset"/> is free too and also below the ephemeral range: a Redis
    /// cluster node listens on its port + 10000 for the cluster bus, which from 30000 on fell among the outgoing
    /// connections of a busy machine ("Failed listening on port 3xxxx (cluster)").
    /// </summary>
    public static int WithSecond(int offset) => Next(20000, 32768 - offset, offset);

    /// <summary>
    /// Ports already given out in this process: a port is free from the check until its test binds it, which can be
    /// seconds later (a host starting), and two tests running at once could both draw it in between.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Given = new();

    private static int Next(int from, int to, int offset)
    {
        while (true)
        {
            var port = Random.Shared.Next(from, to);
            if (Given.ContainsKey(port) || (offset > 0 && Given.ContainsKey(port + offset)))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                if (offset > 0)
                {
                    using var second = new TcpListener(IPAddress.Loopback, port + offset);
                    second.Start();
                }

                if (!Given.TryAdd(port, true) || (offset > 0 && !Given.TryAdd(port + offset, true)))
                {
                    continue;
                }

                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
