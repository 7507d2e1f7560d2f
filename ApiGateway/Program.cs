using Switchboard.ApiGateway.Hosting;

await GatewayApp.Create(args).RunAsync();

public partial class Program;
