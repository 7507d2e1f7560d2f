using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Benchmarks;

/// <summary>
/// One redis-server's counters from <c>INFO</c>, read over a bare socket so that the reading adds one command and no
/// client library's own traffic (handshakes, heartbeats) to what is measured.
/// </summary>
public sealed record RedisInfo(int Pid, double CpuSeconds, long Commands, long Bytes)
{
    private static readonly byte[] Request = "*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n"u8.ToArray();

    /// <summary>What one reading adds to the byte counters of the window it opens (its request and reply).</summary>
    public long OwnBytes { get; private init; }

    public static async Task<RedisInfo> Read(string endpoint)
    {
        var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Request);
        var (reply, replyBytes) = await ReadBulk(stream);
        int pid = 0;
        double cpu = 0;
        long commands = 0, bytes = 0;
        foreach (var line in reply.Split("\r\n"))
        {
            var (key, value) = (line.Split(':', 2)[0], line.Split(':', 2).ElementAtOrDefault(1) ?? "");
            switch (key)
            {
                case "process_id":
                    pid = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "used_cpu_sys" or "used_cpu_user":
                    cpu += double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "total_net_input_bytes" or "total_net_output_bytes":
                    bytes += long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                // Commands run inside scripts are counted too; the INFO readings themselves are not.
                case var stat when stat.StartsWith("cmdstat_", StringComparison.Ordinal) && stat != "cmdstat_info":
                    commands += long.Parse(value.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
                    break;
            }
        }

        return new RedisInfo(pid, cpu, commands, bytes) { OwnBytes = Request.Length + replyBytes };
    }

    private static async Task<(string Text, int Bytes)> ReadBulk(NetworkStream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int? total = null;
        while (total is null || buffer.Length < total)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                throw new IOException("redis-server closed the connection during INFO");
            }

            buffer.Write(chunk, 0, read);
            if (total is null && Array.IndexOf(buffer.GetBuffer(), (byte)'\n', 0, (int)buffer.Length) is var end and > 0)
            {
                // "$<length>\r\n<data>\r\n"
                var length = int.Parse(Encoding.ASCII.GetString(buffer.GetBuffer(), 1, end - 2), CultureInfo.InvariantCulture);
                total = end + 1 + length + 2;
            }
        }

        var all = buffer.ToArray();
        var start = Array.IndexOf(all, (byte)'\n') + 1;
        return (Encoding.UTF8.GetString(all, start, all.Length - start - 2), all.Length);
    }
}
