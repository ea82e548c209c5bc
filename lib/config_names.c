/* The words of mamori.conf for each enumeration, as the file and its messages spell them. */
#include "config_internal.h"

static const char *
word_of(const struct config_word *w, int value)
{
	for (; w->word != NULL; w++) {
		if (w->value == value)
			return w->word;
	}
	return "invalid";
}

const char *
mamori_media_policy_name(enum mamori_media_policy p)
{
	return word_of(config_allow_policy_words, (int)p);
}

const char *
mamori_class_policy_name(enum mamori_class_policy p)
{
	return word_of(config_class_words, (int)p);
}

const char *
mamori_otp_algorithm_name(enum mamori_otp_algorithm a)
{
	return word_of(config_algorithm_words, (int)a);
}
