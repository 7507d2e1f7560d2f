using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// No Docker engine runs here, so this checks what it can: the <c>dotnet publish</c> each Dockerfile runs succeeds
/// (into a scratch directory, so the tests' own build outputs are untouched). <c>scripts/validate-compose.sh</c>
/// parses docker-compose.yml with docker-compose (opt-in: it installs docker-compose).
/// </summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("Silo/Dockerfile", "Silo.dll")]
    [InlineData("ApiGateway/Dockerfile", "ApiGateway.dll")]
    public async Task ThePublishStepOfTheDockerfileSucceeds(string dockerfile, string entryDll)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Repo.Root, dockerfile));
        var publish = PublishStep().Match(text);
        Assert.True(publish.Success, $"{dockerfile} has no 'RUN dotnet publish ... -o /app' step");
        Assert.Contains("ENTRYPOINT", text, StringComparison.Ordinal);
        Assert.Contains(entryDll, text[text.IndexOf("ENTRYPOINT", StringComparison.Ordinal)..], StringComparison.Ordinal);

        var scratch = Directory.CreateTempSubdirectory("switchboard-publish-").FullName;
        try
        {
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Repo.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in publish.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add("-o");
            info.ArgumentList.Add(Path.Combine(scratch, "app"));
            info.ArgumentList.Add("--artifacts-path");
            info.ArgumentList.Add(Path.Combine(scratch, "artifacts"));
            info.ArgumentList.Add("-nologo");
            await using var process = NodeProcess.Start(info, "dotnet publish " + dockerfile);
            await process.WaitForExitAsync(TimeSpan.FromMinutes(8));
            Assert.True(process.ExitCode == 0, process.Output);
            Assert.True(File.Exists(Path.Combine(scratch, "app", entryDll)), process.Output);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [GeneratedRegex(@"^RUN dotnet (?<args>publish .+?) -o /app\s*$", RegexOptions.Multiline)]
    private static partial Regex PublishStep();
}
