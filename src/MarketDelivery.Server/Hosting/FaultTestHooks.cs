using MarketDelivery.Grains;

namespace MarketDelivery.Server.Hosting;

/// <summary>
/// Fault tests' hooks, set from configuration and absent unless asked for. <c>FaultTests:CrashAfterOrderWriteForCustomer</c>:
/// the process hosting a new order of that customer dies the instant the order is stored, with no shutdown (as with
/// kill -9), so a test can show that nothing the order owes is lost.
/// </summary>
public static class FaultTestHooks
{
    public static IServiceCollection AddFaultTestHooks(this IServiceCollection services, IConfiguration config)
    {
        var crashFor = config["FaultTests:CrashAfterOrderWriteForCustomer"];
        if (!string.IsNullOrWhiteSpace(crashFor))
        {
            services.AddSingleton(new GrainTestHooks
            {
                AfterOrderWritten = (orderId, customerId) =>
                {
                    if (customerId == crashFor)
                    {
                        Environment.FailFast($"Fault test: crashing right after order {orderId} was stored.");
                    }
                },
            });
        }

        return services;
    }
}
