/* vcard_tool: offline image subcommands and the test vectors. */
#ifndef VCARD_TOOL_H
#define VCARD_TOOL_H

/* Runs `vcard image SUB ...` (argv starts at SUB); returns exit status. */
int vcard_tool(int argc, char **argv);
/* Prints the test vectors of docs/card-spec.md; returns exit status. */
int vcard_vectors(void);

#endif
