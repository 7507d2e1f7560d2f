using System.Diagnostics;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Runs a playwright-core script of Tests/js that drives headless Debian Chromium, and where its screenshot goes.</summary>
public static class BrowserCheck
{
    /// <summary>docs/ keeps the published screenshots; test runs write theirs aside unless UPDATE_SCREENSHOTS=1.</summary>
    public static string ScreenshotPath(string fileName)
    {
        var directory = Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Repo.Root, "docs")
            : Directory.CreateDirectory(Path.Combine(Repo.Root, "TestResults", "screenshots")).FullName;
        return Path.Combine(directory, fileName);
    }

    /// <summary>Runs <c>node script args...</c> in Tests/js until it exits (3 minutes at most).</summary>
    public static async Task<NodeProcess> RunAsync(string script, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(Repo.Root, "Tests", "js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var browser = NodeProcess.Start(info, "chromium");
        await browser.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return browser;
    }
}
