using System.Text.Json;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The environment a project's launch profile (<c>Properties/launchSettings.json</c>) gives it, which is what
/// <c>dotnet run --project X</c> starts it with: processes the tests and benchmarks start run as shipped.
/// </summary>
public static class LaunchProfile
{
    public static IReadOnlyDictionary<string, string> Environment(string project)
    {
        var path = Path.Combine(Repo.Root, project, "Properties", "launchSettings.json");
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var profile = document.RootElement.GetProperty("profiles").GetProperty(project);
        return profile.TryGetProperty("environmentVariables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString() ?? "")
            : new Dictionary<string, string>();
    }
}
