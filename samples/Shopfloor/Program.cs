// Shopfloor: the manufacturing quality-photo system on Outpost. See Cli/ShopfloorCli.cs for the verbs.
return await Shopfloor.Cli.ShopfloorCli.RunAsync(args).ConfigureAwait(false);
