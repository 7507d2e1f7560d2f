using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace Switchboard.Operations;

public static class OperationsSiloExtensions
{
    /// <summary>The dashboard's silo side (grains, profiler, telemetry) and our node counters on the Orleans meter.</summary>
    public static ISiloBuilder AddSwitchboardOperations(this ISiloBuilder silo)
    {
        silo.AddDashboard();
        silo.Services.AddSingleton<NodeCounterInstruments>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<NodeCounterInstruments>());
        return silo;
    }
}
