/* A small C WASI program (wasi-libc): prints a greeting with its arguments, then counts the
 * lines, words and bytes of stdin like `wc`, and exits with the number of arguments. Built
 * to wc.wasm by build.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>

int main(int argc, char **argv) {
    printf("hello from C");
    for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    const char *who = getenv("WHO");
    if (who) printf("WHO=%s\n", who);
    long lines = 0, words = 0, bytes = 0;
    int c, in_word = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        if (isspace(c)) in_word = 0;
        else if (!in_word) { in_word = 1; words++; }
    }
    printf("%ld %ld %ld\n", lines, words, bytes);
    return argc - 1;
}
