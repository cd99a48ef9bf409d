// Shopfloor: the manufacturing quality-photo system on Outpost.
// The server module (REST, migrations, dashboard) and the demo come later; for now the assembly holds the
// domain, validation and security foundations, and the executable only says what it will become.
Console.WriteLine("shopfloor: domain, validation and security are in place; the server module and `demo` are not implemented yet.");
return 0;
