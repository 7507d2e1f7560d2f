using Switchboard.ApiGateway.Hosting;
using Switchboard.Hosting;

if (args is ["train", .. var trainArgs])
{
    return await Switchboard.ApiGateway.Hosting.TrainCommand.Run(trainArgs, Console.Out, Console.Error);
}

await using var app = GatewayApp.Create(args);
return await NodeRun.UntilStopped(app);

public partial class Program;
