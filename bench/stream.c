#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
#include <time.h>
#define N (80*1000*1000)
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){double *a=malloc(N*8),*b=malloc(N*8),*c=malloc(N*8);
#pragma omp parallel for
for(long i=0;i<N;i++){a[i]=1;b[i]=2;c[i]=0;}
double best=1e9;for(int k=0;k<10;k++){double t=now();
#pragma omp parallel for
for(long i=0;i<N;i++)c[i]=a[i]+3.0*b[i];
t=now()-t;if(t<best)best=t;}
printf("threads %d triad %.1f GB/s\n",omp_get_max_threads(),3.0*N*8/best/1e9);
double s=0,bs=1e9;for(int k=0;k<10;k++){double t=now();
#pragma omp parallel for reduction(+:s)
for(long i=0;i<N;i++)s+=a[i];
t=now()-t;if(t<bs)bs=t;}
printf("read-only sum %.1f GB/s (%g)\n",1.0*N*8/bs/1e9,s);}
