using Orleans.Configuration;
using Orleans.Serialization;
using Switchboard.Conversations;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Embedded default: co-host one in-memory silo. With Redis: a pure client of the Redis-backed cluster,
    /// retrying until a silo answers so gateways and silos can start in any order.
    /// </summary>
    public static WebApplicationBuilder AddSwitchboardCluster(this WebApplicationBuilder builder, ClusterSettings settings)
    {
        builder.Services.AddSingleton(settings);
        if (!settings.UsesRedis)
        {
            builder.UseOrleans(silo => silo.ConfigureSwitchboard(settings));
            return builder;
        }

        builder.Services.AddSingleton<GrainReferences>();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            client.UseRedisClustering(settings.Redis!);
            client.Services.AddSerializer(serializer => serializer.AddBotTypes());
            client.AddNodeStreams(settings);
            client.UseConnectionRetryFilter<ClusterConnectionRetry>();
        });
        return builder;
    }
}
