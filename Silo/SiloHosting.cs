using System.Net;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;
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
            // POD_NAME, POD_NAMESPACE and POD_IP come from the downward API (deploy/k8s/silo.yaml). The hosting labels
            // its pod with the cluster's ids, watches the cluster's pods and declares the silo of a deleted pod dead.
            silo.UseKubernetesHosting();

            // The pod's IP, set here: Orleans' own default (the host name's first address) would otherwise come first.
            silo.Configure<EndpointOptions>(o =>
            {
                if (Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable) is { Length: > 0 } podIp)
                {
                    o.AdvertisedIPAddress = IPAddress.Parse(podIp);
                }

                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, settings.GatewayPort);
            });
        }

        return silo;
    }
}
