using System.Globalization;
using Switchboard.Benchmarks;

// scripts/benchmark.sh runs the whole suite (and, with --intents, the intent benchmark); the other modes are its child processes.
var flags = Switchboard.Hosting.CommandLine.Parse(args);
var mode = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "run";
switch (mode)
{
    case "baseline-server":
        await BaselineServer.Run(int.Parse(flags["port"]!, CultureInfo.InvariantCulture));
        break;
    case "ws-clients":
        await WsClients.Run(new Uri(flags["url"]!), int.Parse(flags["count"]!, CultureInfo.InvariantCulture),
            int.Parse(flags["first"] ?? "0", CultureInfo.InvariantCulture), flags.GetValueOrDefault("channel"),
            flags.GetValueOrDefault("protocol") ?? "json", flags.GetValueOrDefault("transport") ?? "websocket");
        break;
    case "intents":
        return IntentAccuracy.Run(flags);
    case "costs":
        await Costs.Run(flags);
        break;
    case "user-connections":
        await UserConnections.Run(flags);
        break;
    case "nlu-cost":
        return NluCost.Run();
    default:
        await new Runner(RunnerOptions.Parse(flags)).Run();
        break;
}

return 0;
