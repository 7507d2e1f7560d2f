using Switchboard.ApiGateway.Hosting;

if (args is ["train", .. var trainArgs])
{
    return await Switchboard.ApiGateway.Hosting.TrainCommand.Run(trainArgs, Console.Out, Console.Error);
}

await GatewayApp.Create(args).RunAsync();
return 0;

public partial class Program;
