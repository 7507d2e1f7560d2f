using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// Every way the project ships a node starts it with the same runtime environment as <c>dotnet run</c> (the launch
/// profile): the Dockerfile (and with it docker-compose and the Kubernetes manifests, which run its image) and
/// <c>scripts/local-cluster.sh</c>. The tests' and benchmarks' own node processes take it from the profile.
/// </summary>
public sealed class LaunchEnvironmentTests
{
    [Theory]
    [InlineData("ApiGateway")]
    [InlineData("Silo")]
    public async Task The_dockerfile_and_the_local_cluster_script_set_what_the_launch_profile_sets(string project)
    {
        var profile = LaunchProfile.Environment(project);
        Assert.Equal("0x1000000", profile.GetValueOrDefault("DOTNET_GCgen0size"));
        var dockerfile = await File.ReadAllLinesAsync(Path.Combine(Repo.Root, project, "Dockerfile"));
        var script = await File.ReadAllLinesAsync(Path.Combine(Repo.Root, "scripts", "local-cluster.sh"));
        foreach (var (name, value) in profile)
        {
            Assert.Contains($"ENV {name}={value}", dockerfile);
            Assert.Contains($"export {name}=${{{name}:-{value}}}", script);
        }
    }

    [Fact]
    public async Task A_node_the_tests_start_has_its_launch_profile_environment_unless_the_caller_sets_it()
    {
        // Read as soon as each process has started: the environment is fixed at exec, the gateway need not be up.
        await using var shipped = GatewayProcess.StartEmbedded([]).Process;
        Assert.Equal("0x1000000", ProcessTree.Environment(shipped.Pid).GetValueOrDefault("DOTNET_GCgen0size"));
        string[] ports = ["--urls", $"http://127.0.0.1:{Port()}", "--silo-port", Port(), "--gateway-port", Port()];
        await using var overridden = NodeProcess.StartProject("ApiGateway", ports, new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000" });
        Assert.Equal("0x400000", ProcessTree.Environment(overridden.Pid).GetValueOrDefault("DOTNET_GCgen0size"));
    }

    private static string Port() => FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
