using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Silo;

/// <summary>A silo is healthy while the cluster's membership lists it Active (not joining, shutting down or dead).</summary>
public sealed class SiloHealth(IClusterMembershipService membership, ILocalSiloDetails local)
{
    public const string Path = "/health";

    public SiloStatus Status => membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);

    public bool IsActive => Status == SiloStatus.Active;

    public static SiloHealth From(IServiceProvider services) =>
        new(services.GetRequiredService<IClusterMembershipService>(), services.GetRequiredService<ILocalSiloDetails>());
}
