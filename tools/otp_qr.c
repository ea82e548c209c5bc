/* QR codes through libqrencode, PNG through libpng. */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <png.h>
#include <qrencode.h>

#include "otp_qr.h"

#define PNG_SCALE 8
#define PNG_QUIET 4
#define TERM_QUIET 2 /* the forced black border stands in for the rest of the quiet zone */

bool
otp_qr_utf8_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && v[0] != '\0')
			return strcasestr(v, "utf-8") != NULL || strcasestr(v, "utf8") != NULL;
	}
	return false;
}

/* Level M (15 % recovery) keeps a SHA-512 URI readable from a screen photo at a size that
 * still fits an 80-column terminal. */
static QRcode *
encode(const char *text)
{
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* Dark module at (x, y), with the quiet zone q around the symbol light. */
static bool
dark(const QRcode *qr, int x, int y, int q)
{
	x -= q;
	y -= q;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return false;
	return qr->data[y * qr->width + x] & 1;
}

static void
print_utf8(FILE *out, const QRcode *qr)
{
	/* Light modules are drawn, dark ones are the black background; index: top dark * 2 +
	 * bottom dark. Full block, upper half, lower half, space. */
	static const char *const cell[4] = {"\xe2\x96\x88", "\xe2\x96\x80", "\xe2\x96\x84", " "};
	int size = qr->width + 2 * TERM_QUIET;

	for (int y = 0; y < size; y += 2) {
		fputs("\033[40;97m", out);
		for (int x = 0; x < size; x++) {
			int top = dark(qr, x, y, TERM_QUIET);
			int bottom = y + 1 < size ? dark(qr, x, y + 1, TERM_QUIET) : 1;
			fputs(cell[top * 2 + bottom], out);
		}
		fputs("\033[0m\n", out);
	}
}

static void
print_ascii(FILE *out, const QRcode *qr)
{
	int size = qr->width + 2 * TERM_QUIET;

	for (int y = 0; y < size; y++) {
		for (int x = 0; x < size; x++)
			fputs(dark(qr, x, y, TERM_QUIET) ? "##" : "  ", out);
		fputc('\n', out);
	}
}

int
otp_qr_print(FILE *out, const char *text, bool utf8)
{
	QRcode *qr = encode(text);

	if (qr == NULL)
		return errno ? -errno : -EINVAL;
	if (utf8)
		print_utf8(out, qr);
	else
		print_ascii(out, qr);
	QRcode_free(qr);
	return ferror(out) ? -EIO : 0;
}

static void
fill_row(png_bytep row, const QRcode *qr, int y, int size)
{
	for (int x = 0; x < size; x++)
		memset(row + x * PNG_SCALE, dark(qr, x, y, PNG_QUIET) ? 0 : 255, PNG_SCALE);
}

/* libpng reports errors by longjmp; nothing with automatic storage changes after setjmp
 * except through the volatile pointers. */
static int
write_png(FILE *f, const QRcode *qr, png_bytep row)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	int size = qr->width + 2 * PNG_QUIET;
	png_uint_32 px = (png_uint_32)(size * PNG_SCALE);

	if (info == NULL) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -EIO;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, px, px, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < size; y++) {
		fill_row(row, qr, y, size);
		for (int i = 0; i < PNG_SCALE; i++)
			png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
otp_qr_png(int fd, const char *text)
{
	QRcode *qr = encode(text);
	png_bytep row = NULL;
	FILE *f = NULL;
	int dupfd = -1, r;

	if (qr == NULL)
		return errno ? -errno : -EINVAL;
	row = malloc((size_t)(qr->width + 2 * PNG_QUIET) * PNG_SCALE);
	if (row == NULL || (dupfd = dup(fd)) < 0 || (f = fdopen(dupfd, "wb")) == NULL) {
		r = -ENOMEM;
		if (dupfd >= 0)
			close(dupfd);
		goto out;
	}
	r = write_png(f, qr, row);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		r = r < 0 ? r : -errno;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
out:
	free(row);
	QRcode_free(qr);
	return r;
}
