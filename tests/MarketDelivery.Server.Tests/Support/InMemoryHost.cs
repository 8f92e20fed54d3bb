using System.Globalization;
using MarketDelivery.Testing;
using Microsoft.AspNetCore.Hosting;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>Settings every in-memory (WebApplicationFactory) server of the tests needs.</summary>
public static class InMemoryHost
{
    /// <summary>
    /// Free silo and gateway ports, so servers of parallel test classes never bind the same Orleans endpoint.
    /// </summary>
    public static IWebHostBuilder UseFreeSiloPorts(this IWebHostBuilder builder)
    {
        var ports = TestPorts.FreePorts(2);
        builder.UseSetting("Orleans:SiloPort", ports[0].ToString(CultureInfo.InvariantCulture));
        return builder.UseSetting("Orleans:GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture));
    }
}
