using Microsoft.Extensions.Configuration;

namespace Switchboard.Hosting;

/// <summary>
/// Turns Centrifugo- and Rasa-style flags into configuration keys: <c>--jwt-secret S</c> and
/// <c>--jwt_secret=S</c> both set <c>jwt_secret</c>; a flag with no value is <c>true</c>.
/// Keys are case-insensitive, so environment variables such as <c>AUTH_TOKEN</c> set the same keys.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["p"] = "port",
        ["i"] = "address",
        ["interface"] = "address",
        ["m"] = "model",
        ["insecure_api"] = "api_insecure",
        ["c"] = "config",
    };

    /// <summary>
    /// Adds the JSON config file of <c>--config</c> (when given), then the flags over it: gateways and silos read
    /// their settings (channel options included) the same way.
    /// </summary>
    public static IConfigurationBuilder AddSwitchboardFlags(this IConfigurationBuilder configuration, IReadOnlyList<string> args)
    {
        var flags = Parse(args);
        if (flags.TryGetValue("config", out var configFile) && configFile is not null)
        {
            configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        return configuration.AddInMemoryCollection(flags);
    }

    public static Dictionary<string, string?> Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !IsFlag(args[i + 1]))
            {
                value = args[++i];
            }

            name = name.Replace('-', '_');
            name = Aliases.GetValueOrDefault(name, name);
            // Repeated flags (--cors a --cors b) accumulate.
            values[name] = values.TryGetValue(name, out var previous) && previous is not null && value is not null
                ? previous + "," + value
                : value ?? "true";
        }

        return values;
    }

    private static bool IsFlag(string arg) => arg.StartsWith('-') && arg.Length > 1 && !char.IsDigit(arg[1]);
}
