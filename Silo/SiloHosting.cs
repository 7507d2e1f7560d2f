using Switchboard.Hosting;

namespace Switchboard.Silo;

/// <summary>A silo process: the one silo configuration, and in a Kubernetes pod Orleans' Kubernetes hosting.</summary>
public static class SiloHosting
{
    public static ISiloBuilder ConfigureSiloProcess(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.ConfigureSwitchboard(settings);
        if (settings.Kubernetes)
        {
            // POD_NAME, POD_NAMESPACE and POD_IP from the downward API (deploy/k8s/silo.yaml); it labels its pod with the
            // cluster's ids, watches the cluster's pods and declares the silo of a deleted pod dead at once.
            silo.UseKubernetesHosting();
        }

        return silo;
    }
}
