using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Switchboard.Hosting;
using Switchboard.Silo;
using Switchboard.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Switchboard.Tests.Operations;

/// <summary>
/// deploy/k8s: valid against the Kubernetes API schemas (offline, the npm <c>kubernetes-models</c> package pinned in
/// Tests/k8s), and saying what the operations guide says: silos on Orleans' Kubernetes hosting, probes on /health,
/// budgets, requests, credentials from the Secret. And the silo's <c>--kubernetes</c> wiring itself.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Manifests = Path.Combine(Repo.Root, "deploy", "k8s");

    [Fact]
    public async Task EveryManifestIsValidAgainstTheKubernetesSchemas()
    {
        var (exit, text) = await Validate(Manifests);
        Assert.True(exit == 0, text);
        foreach (var expected in new[]
                 {
                     "silo.yaml: Deployment/switchboard-silo", "gateway.yaml: Deployment/switchboard-gateway", "gateway.yaml: Service/switchboard",
                     "config.yaml: ConfigMap/switchboard-config",
                     "disruption.yaml: PodDisruptionBudget/switchboard-silo", "disruption.yaml: PodDisruptionBudget/switchboard-gateway",
                     "rbac.yaml: ServiceAccount/switchboard-silo", "rbac.yaml: Role/switchboard-silo", "rbac.yaml: RoleBinding/switchboard-silo",
                 })
        {
            Assert.Contains("ok " + expected, text, StringComparison.Ordinal);
        }

        // The check bites: a count that is not a number, a port that is not a port, a kind that does not exist.
        var broken = Directory.CreateTempSubdirectory("switchboard-k8s-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(broken, "silo.yaml"), File.ReadAllText(Path.Combine(Manifests, "silo.yaml")).Replace("replicas: 3", "replicas: three", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(broken, "gateway.yaml"), File.ReadAllText(Path.Combine(Manifests, "gateway.yaml")).Replace("containerPort: 8000", "containerPort: http", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(broken, "other.yaml"), "apiVersion: apps/v1\nkind: Deploymint\nmetadata: {name: x}\n");
            var (brokenExit, brokenText) = await Validate(broken);
            Assert.Equal(1, brokenExit);
            Assert.Contains("INVALID silo.yaml: Deployment/switchboard-silo: data/spec/replicas must be integer", brokenText, StringComparison.Ordinal);
            Assert.Contains("INVALID gateway.yaml: Deployment/switchboard-gateway: data/spec/template/spec/containers/0/ports/0/containerPort must be integer", brokenText, StringComparison.Ordinal);
            Assert.Contains("INVALID other.yaml: Deploymint/x: no schema", brokenText, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }

    [Fact]
    public void SilosUseKubernetesHostingAndEveryPodIsProbedBudgetedSizedAndGivenItsSecrets()
    {
        var objects = Directory.GetFiles(Manifests, "*.yaml").SelectMany(Documents).ToArray();
        YamlMappingNode Object(string kind, string name) =>
            objects.Single(o => Text(o, "kind") == kind && Text(o, "metadata", "name") == name);

        var silo = Object("Deployment", "switchboard-silo");
        var gateway = Object("Deployment", "switchboard-gateway");
        var siloContainer = Container(silo);
        Assert.Contains("--kubernetes", Sequence(siloContainer, "args").Select(a => a.ToString()));
        Assert.Equal("status.podIP", Text(Env(siloContainer, "POD_IP"), "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.name", Text(Env(siloContainer, "POD_NAME"), "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Text(Env(siloContainer, "POD_NAMESPACE"), "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("switchboard-silo", Text(silo, "spec", "template", "spec", "serviceAccountName"));
        var rules = Sequence(Object("Role", "switchboard-silo"), "rules").Cast<YamlMappingNode>().Single();
        Assert.Equal(["get", "list", "watch", "patch"], Sequence(rules, "verbs").Select(v => v.ToString()));

        foreach (var deployment in new[] { silo, gateway })
        {
            var container = Container(deployment);
            var ports = Sequence(container, "ports").Cast<YamlMappingNode>().Select(p => Text(p, "name")).ToArray();
            foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            {
                Assert.Equal("/health", Text(container, probe, "httpGet", "path"));
                Assert.Contains(Text(container, probe, "httpGet", "port"), ports);
            }

            Assert.NotNull(Text(container, "resources", "requests", "cpu"));
            Assert.NotNull(Text(container, "resources", "requests", "memory"));

            // Credentials only from the one Secret, never inline; the shutdown bound fits in the grace period.
            var env = Sequence(container, "env").Cast<YamlMappingNode>().ToArray();
            Assert.All(env.Where(e => Text(e, "name") is "REDIS" or "SECRET" or "API_KEY" or "DASHBOARD_PASSWORD" or "AUTH_TOKEN" or "REDIS_SHARDS"),
                e => Assert.Equal("switchboard", Text(e, "valueFrom", "secretKeyRef", "name")));
            Assert.Contains(env, e => Text(e, "name") == "REDIS");
            var shutdown = int.Parse(Text(Env(container, "SHUTDOWN_TIMEOUT"), "value")!, System.Globalization.CultureInfo.InvariantCulture);
            var grace = int.Parse(Text(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(shutdown + ShutdownDeadline.Grace.TotalSeconds < grace, $"{shutdown} s + grace must end before Kubernetes' {grace} s");

            // Gateways and silos read the same channel options: the one ConfigMap, mounted where --config points.
            var args = Sequence(container, "args").Select(a => a.ToString()).ToList();
            var configFile = args[args.IndexOf("--config") + 1];
            var mount = Sequence(container, "volumeMounts").Cast<YamlMappingNode>().Single(m => configFile.StartsWith(Text(m, "mountPath") + "/", StringComparison.Ordinal));
            var volume = Sequence(deployment, "spec", "template", "spec", "volumes").Cast<YamlMappingNode>().Single(v => Text(v, "name") == Text(mount, "name"));
            Assert.Equal("switchboard-config", Text(volume, "configMap", "name"));
            Assert.Equal("/etc/switchboard/config.json", configFile);

            // A budget and (for gateways) the Service select exactly this Deployment's pods.
            var labels = Labels(deployment, "spec", "template", "metadata", "labels");
            var budget = objects.Single(o => Text(o, "kind") == "PodDisruptionBudget" && Selects(Labels(o, "spec", "selector", "matchLabels"), labels));
            Assert.Equal("1", Text(budget, "spec", "maxUnavailable"));
            Assert.True(Selects(Labels(deployment, "spec", "selector", "matchLabels"), labels), "the Deployment's selector matches its pods");
        }

        Assert.Contains("config.json", ((YamlMappingNode)Node(Object("ConfigMap", "switchboard-config"), "data")!).Children.Keys.Select(k => k.ToString()));
        Assert.Contains(Sequence(Container(gateway), "env").Cast<YamlMappingNode>(), e => Text(e, "name") == "API_KEY");
        var service = Object("Service", "switchboard");
        Assert.True(Selects(Labels(service, "spec", "selector"), Labels(gateway, "spec", "template", "metadata", "labels")));
        Assert.False(Selects(Labels(service, "spec", "selector"), Labels(silo, "spec", "template", "metadata", "labels")));
    }

    [Fact]
    public void WithKubernetesASiloAdvertisesItsPodIpAndListensOnAllInterfacesAndWithoutItNothingChanges()
    {
        var settings = new ClusterSettings { Redis = "127.0.0.1:1", SiloPort = 11311, GatewayPort = 30300 };
        var local = Endpoints(settings);
        Assert.Equal(IPAddress.Loopback, local.AdvertisedIPAddress);
        Assert.Null(local.SiloListeningEndpoint); // listens where it advertises: loopback only
        Assert.Equal(11311, local.SiloPort);

        // What the pod's downward API sets (deploy/k8s/silo.yaml).
        string[] variables = ["POD_IP", "POD_NAME", "POD_NAMESPACE"];
        Environment.SetEnvironmentVariable("POD_IP", "10.1.2.3");
        Environment.SetEnvironmentVariable("POD_NAME", "switchboard-silo-abc");
        Environment.SetEnvironmentVariable("POD_NAMESPACE", "chat");
        try
        {
            var pod = Endpoints(settings with { Kubernetes = true });
            Assert.Equal(IPAddress.Parse("10.1.2.3"), pod.AdvertisedIPAddress);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 11311), pod.SiloListeningEndpoint);
            Assert.Equal(new IPEndPoint(IPAddress.Any, 30300), pod.GatewayListeningEndpoint);
        }
        finally
        {
            foreach (var variable in variables)
            {
                Environment.SetEnvironmentVariable(variable, null);
            }
        }
    }

    /// <summary>The endpoints a silo process would use (the host is built, not started).</summary>
    private static EndpointOptions Endpoints(ClusterSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.UseOrleans(silo => silo.ConfigureSiloProcess(settings));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
    }

    private static async Task<(int Exit, string Output)> Validate(string directory)
    {
        var dir = Path.Combine(Repo.Root, "Tests", "k8s");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models")), "run `npm ci` in Tests/k8s (./test.sh does)");
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("validate.mjs");
        info.ArgumentList.Add(directory);
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (node.ExitCode, await stdout + await stderr);
    }

    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(file));
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>();
    }

    private static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) => (Node(node, path) as YamlSequenceNode)?.Children ?? [];

    private static YamlMappingNode Container(YamlNode deployment) =>
        Assert.IsType<YamlMappingNode>(Assert.Single(Sequence(deployment, "spec", "template", "spec", "containers")));

    private static YamlMappingNode Env(YamlNode container, string name) =>
        Sequence(container, "env").Cast<YamlMappingNode>().Single(e => Text(e, "name") == name);

    private static KeyValuePair<string, string>[] Labels(YamlNode node, params string[] path) =>
        Node(node, path) is YamlMappingNode map
            ? [.. map.Children.Select(c => KeyValuePair.Create(c.Key.ToString(), c.Value.ToString())).OrderBy(l => l.Key, StringComparer.Ordinal)]
            : [];

    private static bool Selects(KeyValuePair<string, string>[] selector, KeyValuePair<string, string>[] labels) =>
        selector.Length > 0 && selector.All(labels.Contains);
}
