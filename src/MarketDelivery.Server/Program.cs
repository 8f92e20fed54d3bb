using MarketDelivery.Persistence;
using MarketDelivery.Server.Hosting;

// `MarketDelivery.Server migrate --postgres "<connection string>"` applies the schema and exits;
// the test script and docker-compose use it before starting servers.
if (args.FirstOrDefault() == "migrate")
{
    return await MigrateCommand.RunMigrateCommandAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddMarketDelivery();

var app = builder.Build();
app.UseMarketDelivery();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
