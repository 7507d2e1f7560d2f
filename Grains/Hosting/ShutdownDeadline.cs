using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Switchboard.Hosting;

/// <summary>
/// The hard end of <c>--shutdown_timeout</c>. The host gives its services that long and then cancels them, but a
/// stop that waits on something that never answers (a hung Redis: Orleans' membership update, a connection's close)
/// can outlast the cancellation; past the timeout and a short grace the process exits anyway. Nothing acknowledged
/// is lost by it: history and tracker events are written before a request is answered.
/// </summary>
public sealed class ShutdownDeadline : IHostedService
{
    /// <summary>Beyond the timeout: for the host's own cancellation to take effect first.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly ClusterSettings settings;
    private ITimer? timer;

    /// <summary>
    /// Armed when the host builds its hosted services, before any starts: a stop asked for while the silo or the
    /// cluster client is still starting is bounded too. It also keeps the host's phase for the log filters.
    /// </summary>
    public ShutdownDeadline(IHostApplicationLifetime lifetime, ClusterSettings settings, OperatorLogging.HostPhase phase)
    {
        this.settings = settings;
        lifetime.ApplicationStopping.Register(() =>
        {
            phase.Stopping();
            timer = TimeProvider.System.CreateTimer(_ => Exit(), null, settings.ShutdownTimeout + Grace, Timeout.InfiniteTimeSpan);
        });

        lifetime.ApplicationStarted.Register(phase.Started);

        // A stop that finished in time disarms it: a process that hosts more than this host (a test run) lives on.
        lifetime.ApplicationStopped.Register(() => timer?.Dispose());
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Exit()
    {
        Console.Error.WriteLine($"warn: shutdown took longer than --shutdown_timeout ({settings.ShutdownTimeout.TotalSeconds:0.#} s): exiting without waiting for the rest");
        Console.Error.Flush();
        timer?.Dispose();

        // Not Environment.Exit: its exit handlers include the host's, which wait for the very stop that hangs.
        if (OperatingSystem.IsWindows())
        {
            Environment.Exit(0);
        }

        ExitNow(0);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int status);
}
