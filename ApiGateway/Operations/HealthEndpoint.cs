using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Operations;

/// <summary><c>/health</c> for load balancers and compose health checks: 200 when this node reaches the cluster.</summary>
public static class HealthEndpoint
{
    public const string Path = "/health";

    public static void Map(WebApplication app) =>
        app.MapGet(Path, async (GrainReferences grains, CancellationToken cancel) =>
        {
            try
            {
                await grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetNodes().WaitAsync(TimeSpan.FromSeconds(5), cancel);
                return Results.Text("ok\n");
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
            {
                return Results.Text("cluster unreachable\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
}
