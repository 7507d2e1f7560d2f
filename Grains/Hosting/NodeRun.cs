using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Switchboard.Hosting;

/// <summary>
/// How a gateway or silo process runs its host and what its exit says: 0 after a stop, also one that came while it
/// was still starting (SIGTERM from an orchestrator, Ctrl-C), with one line saying so; 1 with one line naming the
/// cause when it could not start (Redis unreachable, a port taken), after what the host and Orleans logged about it.
/// Without this both ended in an unhandled exception: its stack trace again and an abort.
/// </summary>
public static class NodeRun
{
    public static async Task<int> UntilStopped(IHost host, Action? started = null)
    {
        try
        {
            await host.StartAsync();
        }
        catch (Exception e) when (host.Services.GetRequiredService<OperatorLogging.HostPhase>().IsStopping && OperatorLogging.IsCancellation(e))
        {
            Console.WriteLine("Stopped before start-up finished.");
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"fail: could not start: {OperatorLogging.OneLine(e)}");
            return 1;
        }

        started?.Invoke();
        await host.WaitForShutdownAsync();
        return 0;
    }
}
